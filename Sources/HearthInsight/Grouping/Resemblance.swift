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
    /// The gist of a text (a title and its body read as one).
    public func gist(_ text: String) -> Gist {
        let tokens = read(text).tokens
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

/// Near-duplicates by the rarity-weighted cosine of their gists, found through an inverted index (each feature lists
/// the items that have it), never by comparing with every item. A feature most items share says nothing about
/// sameness and is not looked up.
public struct ResemblanceIndex<ID: Hashable & Sendable>: Sendable {
    private var ids: [ID] = []
    private var gists: [Gist] = []
    private var postings: [UInt32: [Int32]] = [:]

    /// A feature on more than this share of the items is not looked up (it still counts in the norms).
    public var commonShare = 0.05

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
        gist.features.reduce(0) { $0 + weight($1) * weight($1) }.squareRoot()
    }

    /// The items most like `gist`, best first, at `threshold` or above (0 to 1), leaving out `excluding`.
    public func nearest(_ gist: Gist, threshold: Double, limit: Int = 10, excluding: ID? = nil) -> [Match] {
        let cap = max(2, Int(Double(ids.count) * commonShare))
        var shared: [Int32: Double] = [:]
        for feature in gist.features {
            guard let holders = postings[feature], holders.count <= cap else { continue }
            let w = weight(feature)
            for item in holders { shared[item, default: 0] += w * w }
        }
        let queryNorm = norm(gist)
        guard queryNorm > 0 else { return [] }
        var found: [Match] = []
        for (item, dot) in shared {
            let id = ids[Int(item)]
            if id == excluding { continue }
            let score = dot / (queryNorm * norm(gists[Int(item)]))
            if score >= threshold { found.append((id, score)) }
        }
        return Array(found.sorted { $0.score > $1.score }.prefix(limit))
    }
}
