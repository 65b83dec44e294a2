/// Which features a model reads. Stored in the model file, so a model is always scored the way it was trained.
public struct FeatureSet: Sendable, Codable, Equatable {
    /// Word pairs ("pas mal", "not bad").
    public var bigrams: Bool
    /// Character n-gram lengths inside words, which carry misspellings, inflections and cognates ("idiot",
    /// "idiote", "idiots"); `nil` for none.
    public var characterGrams: ClosedRange<Int>?
    /// Toxic-term kinds from the lexicon, asserted or mentioned, and attacks (a "you"/"espèce de" frame followed
    /// by an insult).
    public var terms: Bool
    /// Question, suggestion, bug and thanks cues (question marks, "how do I", "would be nice", "doesn't work").
    public var feedbackCues: Bool

    public init(bigrams: Bool, characterGrams: ClosedRange<Int>?, terms: Bool, feedbackCues: Bool) {
        self.bigrams = bigrams
        self.characterGrams = characterGrams
        self.terms = terms
        self.feedbackCues = feedbackCues
    }
}

/// A sparse feature vector: 32-bit hashes (the model folds them into its table), values, and for each feature the
/// token it came from (-1 for whole-post features), so explanations can name words.
public struct FeatureVector: Sendable {
    public var hashes: [UInt32] = []
    public var values: [Float] = []
    public var origins: [Int32] = []

    mutating func add(_ hash: UInt32, _ value: Float, origin: Int) {
        hashes.append(hash)
        values.append(value)
        origins.append(Int32(origin))
    }

    /// A feature with a readable name, such as `term|insult` or `cue|question-mark`.
    mutating func add(named name: String, _ value: Float = 1, origin: Int = -1) {
        add(FeatureHash.named(name), value, origin: origin)
    }
}

/// FNV-1a, seeded per feature family so that a word and a character gram of the same spelling do not collide.
enum FeatureHash {
    static let unigram: UInt32 = 0x811C_9DC5
    static let bigram: UInt32 = 0x0100_0193
    static let character: UInt32 = 0x9E37_79B9
    static let named: UInt32 = 0x85EB_CA6B

    @inline(__always)
    static func step(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(byte)) &* 16_777_619
    }

    /// Named features carry the top bit, which no table index uses, so explanations can tell them apart
    /// without a lookup.
    static func named(_ name: String) -> UInt32 {
        string(name, seed: named) | namedBit
    }

    static let namedBit: UInt32 = 0x8000_0000

    static func string(_ text: String, seed: UInt32) -> UInt32 {
        var hash = seed
        for byte in text.utf8 { hash = step(hash, byte) }
        return finish(hash)
    }

    /// A final avalanche so that low bits (the table index) depend on every byte.
    @inline(__always)
    static func finish(_ value: UInt32) -> UInt32 {
        var hash = value
        hash ^= hash >> 16
        hash &*= 0x7FEB_352D
        hash ^= hash >> 15
        hash &*= 0x846C_A68B
        hash ^= hash >> 16
        return hash
    }
}

/// Readable names of the named features, by hash, for explanations.
enum FeatureNames {
    static let byHash: [UInt32: String] = {
        var names = FeedbackCues.names + ["shape|shouting", "shape|repeated-punctuation", "term|attack"]
        names += TermKind.allCases.flatMap { ["term|" + $0.rawValue, "term|" + $0.rawValue + "|mentioned"] }
        names += TextLanguage.allCases.map { "language|" + $0.rawValue }
        return Dictionary(names.map { (FeatureHash.named($0), $0) }) { first, _ in first }
    }()
}

/// Turns a reading into features.
public struct FeatureExtractor: Sendable {
    public var set: FeatureSet

    public init(_ set: FeatureSet) {
        self.set = set
    }

    /// Weight of a word that is negated, quoted or reported: it still counts, but far less than one that is said.
    static let mentionedWeight: Float = 0.3

    public func features(of reading: Reading) -> FeatureVector {
        var vector = FeatureVector()
        let tokens = reading.tokens
        vector.hashes.reserveCapacity(tokens.count * 12)
        vector.values.reserveCapacity(tokens.count * 12)
        vector.origins.reserveCapacity(tokens.count * 12)
        var lexical = 0
        for token in tokens where token.isLexical || token.kind == .url || token.kind == .mention { lexical += 1 }
        let wordNorm = 1 / Float(max(1, lexical)).squareRoot()
        var previous: (hash: UInt32, index: Int)? = nil
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        var gramNorm: Float = 1
        if let grams = set.characterGrams {
            var count = 0
            for token in tokens where token.kind == .word && token.key.utf8.count >= 2 {
                for length in grams { count += max(0, token.key.utf8.count + 3 - length) }
            }
            gramNorm = 1 / Float(max(1, count)).squareRoot()
        }
        for (index, token) in tokens.enumerated() {
            guard token.kind != .punctuation || token.key == "?" || token.key == "!" || token.key == "?!" else {
                previous = nil
                continue
            }
            let scope: Float = reading.scopes[index].isEmpty ? 1 : Self.mentionedWeight
            var unigram = FeatureHash.unigram
            for byte in token.key.utf8 { unigram = FeatureHash.step(unigram, byte) }
            vector.add(FeatureHash.finish(unigram) & ~FeatureHash.namedBit, wordNorm * scope, origin: index)
            if set.bigrams, let previous {
                var pair = FeatureHash.step(previous.hash, 0x20)
                for byte in token.key.utf8 { pair = FeatureHash.step(pair, byte) }
                vector.add(
                    FeatureHash.finish(pair ^ FeatureHash.bigram) & ~FeatureHash.namedBit, wordNorm * scope,
                    origin: index)
            }
            previous = (unigram, index)
            if let grams = set.characterGrams, token.kind == .word, token.key.utf8.count >= 2 {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(0x20)
                buffer.append(contentsOf: token.key.utf8)
                buffer.append(0x20)
                for length in grams where length <= buffer.count {
                    for start in 0...(buffer.count - length) {
                        var hash = FeatureHash.character &+ UInt32(length)
                        for offset in start..<(start + length) { hash = FeatureHash.step(hash, buffer[offset]) }
                        vector.add(FeatureHash.finish(hash) & ~FeatureHash.namedBit, gramNorm * scope, origin: index)
                    }
                }
            }
        }
        if set.terms { addTerms(reading, to: &vector) }
        if set.feedbackCues { FeedbackCues.add(reading, to: &vector) }
        addShape(reading, to: &vector)
        return vector
    }

    private func addTerms(_ reading: Reading, to vector: inout FeatureVector) {
        var attackFrameUntil = -1
        for hit in reading.hits {
            if hit.kind == .attack {
                if !hit.isMentioned { attackFrameUntil = hit.index + hit.length + 3 }
                continue
            }
            vector.add(named: "term|" + hit.kind.rawValue + (hit.isMentioned ? "|mentioned" : ""), origin: hit.index)
            if !hit.isMentioned, hit.index <= attackFrameUntil,
                hit.kind == .insult || hit.kind == .hate || hit.kind == .profanity
            {
                vector.add(named: "term|attack", origin: hit.index)
            }
        }
    }

    private func addShape(_ reading: Reading, to vector: inout FeatureVector) {
        var words = 0
        var shouted = 0
        for token in reading.tokens where token.kind == .word {
            words += 1
            if token.isShouted { shouted += 1 }
        }
        if words >= 3 && shouted * 2 >= words { vector.add(named: "shape|shouting") }
        if reading.tokens.contains(where: { $0.kind == .punctuation && $0.original.count >= 3 }) {
            vector.add(named: "shape|repeated-punctuation")
        }
        vector.add(named: "language|" + reading.language.rawValue)
    }
}
