import Foundation

/// What a post is about, for finding the posts that ask or report the same thing: its content words (not the
/// function words of either language) and their character 4-grams, folded as the engine reads them (case, accents,
/// elisions, leetspeak). The 4-grams let "exporter" meet "export" and "synchronisation" meet "synchronization", so a
/// French and an English post about one thing can be grouped.
public struct Gist: Sendable, Equatable {
    /// Feature hashes, sorted and unique.
    public let features: [UInt32]

    public init(features: [UInt32]) {
        self.features = Self.unique(sorted: RadixSort.sorted(features))
    }

    /// A sorted array with each value once, in place (cheaper than a set for the few thousand features of a post).
    static func unique(sorted values: [UInt32]) -> [UInt32] {
        guard values.count > 1 else { return values }
        var values = values
        var kept = 1
        for index in 1..<values.count where values[index] != values[kept - 1] {
            values[kept] = values[index]
            kept += 1
        }
        values.removeLast(values.count - kept)
        return values
    }
}

extension Reader {
    /// How much of a text its gist reads: what a post is about is in its title and first paragraphs, and the cost of
    /// comparing two gists grows with their length (a 100,000-character post must not stall the board).
    public static let gistLength = 10_000

    /// The gist of a text (a title and its body read as one), from its first `gistLength` characters.
    public func gist(_ text: String) -> Gist {
        // Only the words are needed: no language, scopes or terms, which a full reading works out.
        let tokens = tokenizer.tokens(text.count > Self.gistLength ? String(text.prefix(Self.gistLength)) : text)
        var features: [UInt32] = []
        features.reserveCapacity(tokens.count * 6)
        tokens.keyBytes.withUnsafeBufferPointer { keys in
            for index in tokens.indices {
                let token = tokens[index]
                guard token.kind == .word, token.keyLength >= 3 else { continue }
                let key = UnsafeBufferPointer(rebasing: keys[Int(token.keyStart)..<Int(token.keyEnd)])
                if let facts = lexicon.facts(lexicon.vocabulary.id(of: key, hash: token.hash)), facts.languages != 0 {
                    continue
                }
                features.append(FeatureHash.unigramFeature(token.hash))
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
///
/// Features are numbered densely as they first come, through an open-addressing table keyed by the feature's own
/// hash, so a look-up reads arrays rather than hashing each feature again; each item keeps its features' numbers,
/// sorted, for the exact cosine of the short list.
public struct ResemblanceIndex<ID: Hashable & Sendable>: Sendable {
    private var ids: [ID] = []
    /// Each item's features, as dense numbers, sorted.
    private var items: [[Int32]] = []
    /// By dense number: the feature, and the items that hold it.
    private var features: [UInt32] = []
    private var postings: [[Int32]] = []
    /// By dense number: how many items hold the feature (the lengths of `postings`, side by side for the norms).
    private var holders: [Int32] = []
    /// Open addressing over the features: a dense number, or -1 for an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 1_024)
    /// `logs[n]` is log(n + 1), for the rarity of a feature held by n items.
    private var logs: [Double] = [0]
    /// Each item's shared weight during a look-up, all zero between look-ups; and room for the items it touched.
    private var partial: [Double] = []
    private var touched: [Int32] = []

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
        partial.append(0)
        touched.append(0)
        logs.append(log(Double(logs.count + 1)))
        var numbers: [Int32] = []
        numbers.reserveCapacity(gist.features.count)
        for feature in gist.features {
            let number = dense(feature, adding: true)
            postings[Int(number)].append(position)
            holders[Int(number)] += 1
            numbers.append(number)
        }
        items.append(RadixSort.sorted(numbers))
    }

    /// The slot a feature's probe starts at: the feature is a hash already, so its low bits, stirred once.
    @inline(__always)
    private func start(_ feature: UInt32, mask: Int) -> Int {
        Int(truncatingIfNeeded: feature &* 0x9E37_79B1) & mask
    }

    /// A feature's dense number, or -1 when no item holds it (or a new number, when `adding`).
    private mutating func dense(_ feature: UInt32, adding: Bool) -> Int32 {
        var mask = slots.count - 1
        var slot = start(feature, mask: mask)
        while true {
            let number = slots[slot]
            if number < 0 { break }
            if features[Int(number)] == feature { return number }
            slot = (slot + 1) & mask
        }
        guard adding else { return -1 }
        let number = Int32(features.count)
        features.append(feature)
        postings.append([])
        holders.append(0)
        if features.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (held, known) in features.enumerated() {
                var at = start(known, mask: mask)
                while slots[at] >= 0 { at = (at + 1) & mask }
                slots[at] = Int32(held)
            }
        } else {
            slots[slot] = number
        }
        return number
    }

    private func lookUp(_ feature: UInt32) -> Int32 {
        let mask = slots.count - 1
        var slot = start(feature, mask: mask)
        while true {
            let number = slots[slot]
            if number < 0 || features[Int(number)] == feature { return number }
            slot = (slot + 1) & mask
        }
    }

    /// The squared rarity of a feature held by `holders` items: the log of how many items there are over how many
    /// have it, plus one.
    @inline(__always)
    private func squaredWeight(holders: Int) -> Double {
        let w = logs[ids.count] - logs[holders] + 1
        return w * w
    }

    private func norm(_ numbers: [Int32]) -> Double {
        var sum = 0.0
        for number in numbers { sum += squaredWeight(holders: Int(holders[Int(number)])) }
        return sum.squareRoot()
    }

    /// The sum of the squared weights of the features two items share (their sorted numbers merged).
    private func shared(_ a: [Int32], _ b: [Int32]) -> Double {
        var (i, j, sum) = (0, 0, 0.0)
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                sum += squaredWeight(holders: Int(holders[Int(a[i])]))
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

    /// How like `gist` the item `id` is, 0 to 1 (nil when it is not in the index); for measuring, as it reads every
    /// item's id.
    public func score(_ gist: Gist, against id: ID) -> Double? {
        guard let item = ids.firstIndex(of: id) else { return nil }
        let (known, queryNorm) = query(gist)
        let other = items[item]
        let denominator = queryNorm * norm(other)
        return denominator > 0 ? shared(known, other) / denominator : 0
    }

    /// A gist as the index reads it: the dense numbers of the features items hold, sorted, and its norm (features
    /// no item holds count in the norm at the rarest weight).
    private func query(_ gist: Gist) -> (known: [Int32], norm: Double) {
        var known: [Int32] = []
        known.reserveCapacity(gist.features.count)
        var squaredNorm = 0.0
        for feature in gist.features {
            let number = lookUp(feature)
            squaredNorm += squaredWeight(holders: number < 0 ? 0 : Int(holders[Int(number)]))
            if number >= 0 { known.append(number) }
        }
        return (RadixSort.sorted(known), squaredNorm.squareRoot())
    }

    /// The items most like `gist`, best first, at `threshold` or above (0 to 1), leaving out `excluding`.
    ///
    /// The query's findable features are visited rarest first, each adding its squared weight to the items that
    /// hold it, until `postingBudget` postings were read (the rarest always are): the items sharing the most rare
    /// weight make a short list, whose exact cosine is then worked out with each one's norm from the rarities of
    /// now. Placing a post thus costs about the same at 1,000 items and at 100,000. Mutating only for the scratch
    /// scores it reuses, which it leaves as it found them.
    public mutating func nearest(_ gist: Gist, threshold: Double, limit: Int = 10, excluding: ID? = nil) -> [Match] {
        guard limit > 0, !ids.isEmpty else { return [] }
        let cap = Int32(max(lookupFloor, Int(Double(ids.count) * commonShare)))
        let (known, queryNorm) = query(gist)
        guard queryNorm > 0, !known.isEmpty else { return [] }
        var lists = known.filter { holders[Int($0)] <= cap }
        lists.sort { holders[Int($0)] < holders[Int($1)] }
        // Borrowed for the look-up (not copied), and given back with every score zero.
        var (partial, touched): ([Double], [Int32]) = ([], [])
        swap(&partial, &self.partial)
        swap(&touched, &self.touched)
        defer {
            swap(&partial, &self.partial)
            swap(&touched, &self.touched)
        }
        // The short list: the items with the most shared rare weight, kept in a small sorted array.
        let shortlist = max(limit + 3, 8)
        var best: [(item: Int32, value: Double)] = []
        best.reserveCapacity(shortlist + 1)
        let (postings, logs, budget, floor) = (postings, logs, postingBudget, lookupFloor)
        let rarest = logs[ids.count] + 1
        partial.withUnsafeMutableBufferPointer { partial in
            touched.withUnsafeMutableBufferPointer { touched in
                var (visited, count) = (0, 0)
                for number in lists {
                    let list = postings[Int(number)]
                    if visited >= budget, list.count > floor { break }
                    let weight = (rarest - logs[list.count]) * (rarest - logs[list.count])
                    list.withUnsafeBufferPointer { list in
                        for item in list {
                            if partial[Int(item)] == 0 {
                                touched[count] = item
                                count += 1
                            }
                            partial[Int(item)] += weight
                        }
                    }
                    visited += list.count
                }
                for item in touched[0..<count] {
                    let value = partial[Int(item)]
                    partial[Int(item)] = 0
                    guard best.count < shortlist || value > best[best.count - 1].value else { continue }
                    let at = best.firstIndex { $0.value < value } ?? best.count
                    best.insert((item, value), at: at)
                    if best.count > shortlist { best.removeLast() }
                }
            }
        }
        var found: [Match] = []
        for (item, _) in best {
            let id = ids[Int(item)]
            if id == excluding { continue }
            let other = items[Int(item)]
            let score = shared(known, other) / (queryNorm * norm(other))
            if score >= threshold { found.append((id, score)) }
        }
        return Array(found.sorted { $0.score > $1.score }.prefix(limit))
    }
}

/// Least-significant-digit radix sort of 32-bit values, 11 bits a pass: a post's few thousand feature hashes sort in
/// three linear passes, several times faster than the standard library's comparison sort.
enum RadixSort {
    static func sorted(_ values: [UInt32]) -> [UInt32] {
        guard values.count > 64 else { return values.sorted() }
        var source = values
        var target = [UInt32](repeating: 0, count: values.count)
        for shift in stride(from: 0, to: 32, by: 11) {
            var counts = [Int](repeating: 0, count: 2_049)
            for value in source { counts[Int((value >> UInt32(shift)) & 0x7FF) + 1] += 1 }
            for digit in 1..<counts.count { counts[digit] += counts[digit - 1] }
            for value in source {
                let digit = Int((value >> UInt32(shift)) & 0x7FF)
                target[counts[digit]] = value
                counts[digit] += 1
            }
            swap(&source, &target)
        }
        return source
    }

    /// Values that are never negative (dense numbers), in the same order as compared as integers.
    static func sorted(_ values: [Int32]) -> [Int32] {
        sorted(values.map { UInt32(bitPattern: $0) }).map { Int32(bitPattern: $0) }
    }
}
