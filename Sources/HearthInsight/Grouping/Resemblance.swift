import Foundation

/// What a post is about, for finding the posts that ask or report the same thing: its content words (not the
/// function words of either language) and their character 4-grams, folded as the engine reads them (case, accents,
/// elisions, leetspeak). The 4-grams let "exporter" meet "export" and "synchronisation" meet "synchronization", so a
/// French and an English post about one thing can be grouped.
public struct Gist: Sendable, Equatable {
    /// Feature hashes, sorted and unique.
    public let features: [UInt32]

    public init(features: [UInt32]) {
        self.features = Array(Set(features)).sorted()
    }
}

extension Reader {
    /// How much of a text its gist reads: what a post is about is in its title and first paragraphs, and the cost of
    /// comparing two gists grows with their length (a 100,000-character post must not stall the board).
    public static let gistLength = 10_000

    /// The gist of a text (a title and its body read as one), from its first `gistLength` characters.
    public func gist(_ text: String) -> Gist {
        let tokens = read(text.count > Self.gistLength ? String(text.prefix(Self.gistLength)) : text).tokens
        var features: [UInt32] = []
        features.reserveCapacity(tokens.count * 6)
        tokens.keyBytes.withUnsafeBufferPointer { keys in
            for index in tokens.indices {
                let token = tokens[index]
                guard token.kind == .word, token.keyLength >= 3 else { continue }
                if let facts = lexicon.facts(token.word), facts.languages != 0 { continue }
                features.append(token.unigramFeature)
                let key = UnsafeBufferPointer(rebasing: keys[Int(token.keyStart)..<Int(token.keyEnd)])
                guard key.count >= 4 else { continue }
                for start in 0...(key.count - 4) {
                    var hash = Gist.gramSeed
                    for offset in start..<(start + 4) { hash = FeatureHash.step(hash, key[offset]) }
                    features.append(FeatureHash.finish(hash))
                }
            }
        }
        return Gist(features: features)
    }
}

extension Gist {
    /// Seeds the 4-grams apart from the words, so "bugs" the word and "bugs" the gram are two features.
    static let gramSeed: UInt32 = 0x2545_F491
}

/// Near-duplicates by the rarity-weighted cosine of their gists. Candidates come through an inverted index (each
/// feature lists the items that have it), never by comparing with every item; a feature on more than `commonShare`
/// of the items (and on more than `lookupFloor` of them) is not used to find candidates, but counts in their score.
public struct ResemblanceIndex<ID: Hashable & Sendable>: Sendable {
    private var ids: [ID] = []
    private var gists: [Gist] = []
    private var postings: [UInt32: [Int32]] = [:]

    /// The share of the items above which a feature is too common to find candidates by.
    public var commonShare = 0.05
    /// A feature on this many items or fewer always finds candidates, however small the index.
    public var lookupFloor = 64
    /// How many postings a look-up reads at most, rarest features first (those on `lookupFloor` items or fewer are
    /// always read).
    public var postingBudget = 20_000

    /// An item and how like the query it is, 0 to 1.
    public typealias Match = (id: ID, score: Double)

    public init() {}

    public var count: Int { ids.count }

    public mutating func add(_ id: ID, _ gist: Gist) {
        let position = Int32(ids.count)
        ids.append(id)
        gists.append(gist)
        for feature in gist.features { postings[feature, default: []].append(position) }
    }

    /// Rarity of a feature: the log of how many items there are over how many have it.
    private func weight(_ feature: UInt32) -> Double {
        let holders = postings[feature]?.count ?? 0
        return log(Double(ids.count + 1) / Double(holders + 1)) + 1
    }

    private func norm(_ gist: Gist) -> Double {
        gist.features.reduce(0) { sum, feature in
            let w = weight(feature)
            return sum + w * w
        }.squareRoot()
    }

    /// The sum of the squared weights of the features two gists share (their sorted arrays merged).
    private func shared(_ one: Gist, _ other: Gist) -> Double {
        var (i, j, sum) = (0, 0, 0.0)
        let (a, b) = (one.features, other.features)
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                let w = weight(a[i])
                sum += w * w
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// The items most like `gist`, best first, at `threshold` or above (0 to 1), leaving out `excluding`.
    ///
    /// The query's findable features are visited rarest first, each adding its squared weight to the items that
    /// hold it, until `postingBudget` postings were read (the rarest always are): the items sharing the most rare
    /// weight make a short list, whose exact cosine is then worked out with each one's norm from the rarities of
    /// now. Placing a post thus costs about the same at 1,000 items and at 100,000.
    public func nearest(_ gist: Gist, threshold: Double, limit: Int = 10, excluding: ID? = nil) -> [Match] {
        guard limit > 0, !ids.isEmpty else { return [] }
        let cap = max(lookupFloor, Int(Double(ids.count) * commonShare))
        var lists: [(weight: Double, holders: [Int32])] = []
        for feature in gist.features {
            guard let holders = postings[feature], holders.count <= cap else { continue }
            let w = weight(feature)
            lists.append((w * w, holders))
        }
        lists.sort { $0.holders.count < $1.holders.count }
        var partial = [Double](repeating: 0, count: ids.count)
        var touched: [Int32] = []
        var visited = 0
        for (weight, holders) in lists {
            if visited >= postingBudget, holders.count > lookupFloor { break }
            for item in holders {
                if partial[Int(item)] == 0 { touched.append(item) }
                partial[Int(item)] += weight
            }
            visited += holders.count
        }
        let queryNorm = norm(gist)
        guard queryNorm > 0 else { return [] }
        // The short list: the items with the most shared rare weight, kept in a small sorted array as they come.
        let shortlist = max(limit + 3, 8)
        var best: [Int32] = []
        best.reserveCapacity(shortlist + 1)
        for item in touched {
            let value = partial[Int(item)]
            guard best.count < shortlist || value > partial[Int(best[best.count - 1])] else { continue }
            let at = best.firstIndex { partial[Int($0)] < value } ?? best.count
            best.insert(item, at: at)
            if best.count > shortlist { best.removeLast() }
        }
        var found: [Match] = []
        for item in best {
            let id = ids[Int(item)]
            if id == excluding { continue }
            let other = gists[Int(item)]
            let score = shared(gist, other) / (queryNorm * norm(other))
            if score >= threshold { found.append((id, score)) }
        }
        return Array(found.sorted { $0.score > $1.score }.prefix(limit))
    }
}
