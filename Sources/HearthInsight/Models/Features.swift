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

/// One feature of a post: its 32-bit hash (the model folds it into its table), its value, and the token it came
/// from (-1 for whole-post features), so explanations can name words.
public struct Feature: Sendable {
    public var hash: UInt32
    public var value: Float
    public var origin: Int32
}

/// A sparse feature vector.
public struct FeatureVector: Sendable {
    public var features: [Feature] = []

    mutating func reserveCapacity(_ count: Int) {
        features.reserveCapacity(count)
    }

    @inline(__always)
    mutating func add(_ hash: UInt32, _ value: Float, origin: Int) {
        features.append(Feature(hash: hash, value: value, origin: Int32(origin)))
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

    /// The word feature of a key whose FNV state is `hash`.
    @inline(__always)
    static func unigramFeature(_ hash: UInt32) -> UInt32 {
        finish(hash) & ~namedBit
    }

    /// The word-pair feature of the key whose FNV state is `previous` followed by `key`.
    @inline(__always)
    static func bigramFeature(_ previous: UInt32, _ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var pair = step(previous, 0x20)
        for byte in key { pair = step(pair, byte) }
        return finish(pair ^ bigram) & ~namedBit
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

/// The named features: their hashes, computed once, and what an explanation calls them.
enum FeatureNames {
    static let shouting = FeatureHash.named("shape|shouting")
    static let repeatedPunctuation = FeatureHash.named("shape|repeated-punctuation")
    static let attack = FeatureHash.named("term|attack")
    /// `term|KIND` and `term|KIND|mentioned`, by `TermKind` index.
    static let terms: [(said: UInt32, mentioned: UInt32)] = TermKind.allCases.map {
        (FeatureHash.named("term|" + $0.rawValue), FeatureHash.named("term|" + $0.rawValue + "|mentioned"))
    }
    /// `language|CODE`, by `TextLanguage` index.
    static let languages: [UInt32] = TextLanguage.allCases.map { FeatureHash.named("language|" + $0.rawValue) }

    /// Every named feature's hash with its readable form (nil: never shown), sorted by hash.
    private static let readable: [(hash: UInt32, text: String?)] = {
        var names = FeedbackCues.names + ["shape|shouting", "shape|repeated-punctuation", "term|attack"]
        names += TermKind.allCases.flatMap { ["term|" + $0.rawValue, "term|" + $0.rawValue + "|mentioned"] }
        names += TextLanguage.allCases.map { "language|" + $0.rawValue }
        var table: [UInt32: String?] = [:]
        for name in names where table[FeatureHash.named(name)] == nil {
            table[FeatureHash.named(name)] = name.hasPrefix("language|") ? nil : readable(name)
        }
        return table.map { ($0.key, $0.value) }.sorted { $0.hash < $1.hash }
    }()

    /// What an explanation calls the named feature `hash`, or nil.
    static func text(of hash: UInt32) -> String? {
        var low = 0
        var high = readable.count
        while low < high {
            let middle = (low + high) / 2
            if readable[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return low < readable.count && readable[low].hash == hash ? readable[low].text : nil
    }

    static func readable(_ name: String) -> String {
        let parts = name.split(separator: "|").map(String.init)
        switch parts.first {
        case "term" where parts.count == 2 && parts[1] == "attack": return "attack on a person"
        case "term" where parts.count == 3: return "\(parts[1]) (mentioned)"
        case "term": return parts[1]
        case "cue": return parts.dropFirst().joined(separator: " ") + " cue"
        case "tone": return parts[1] + " tone"
        case "shape": return parts[1].replacingOccurrences(of: "-", with: " ")
        default: return name.replacingOccurrences(of: "|", with: " ")
        }
    }
}

/// Turns a reading into features.
public struct FeatureExtractor: Sendable {
    public var set: FeatureSet

    public init(_ set: FeatureSet) {
        self.set = set
    }

    /// Weight of a word that is negated, quoted or reported: it still counts, but far less than one that is said.
    static let mentionedWeight: Float = 0.3

    /// The features of `reading`; `tone` is its sentiment compound (-1 … 1), which the feedback cues read.
    public func features(of reading: Reading, tone: Double = 0) -> FeatureVector {
        let tokens = reading.tokens
        var vector = FeatureVector()
        var lexical = 0
        var gramCount = 0
        for index in tokens.indices {
            let kind = tokens[index].kind
            if kind != .punctuation && kind != .number { lexical += 1 }
            if kind == .word, let grams = set.characterGrams {
                let length = tokens[index].keyLength
                if length >= 2 { for gram in grams { gramCount += max(0, length + 3 - gram) } }
            }
        }
        vector.reserveCapacity(tokens.count * 2 + gramCount + 2 * reading.hits.count + 32)
        let wordNorm = 1 / Float(max(1, lexical)).squareRoot()
        let gramNorm = 1 / Float(max(1, gramCount)).squareRoot()
        tokens.keyBytes.withUnsafeBufferPointer { keys in
            for index in tokens.indices {
                let token = tokens[index]
                guard token.kind != .punctuation || !token.marks.isDisjoint(with: [.question, .exclamation]) else {
                    continue
                }
                let scope: Float = reading.scopes[index].isEmpty ? 1 : Self.mentionedWeight
                vector.add(token.unigramFeature, wordNorm * scope, origin: index)
                if set.bigrams && token.bigramFeature != 0 {
                    vector.add(token.bigramFeature, wordNorm * scope, origin: index)
                }
                let key = UnsafeBufferPointer(rebasing: keys[Int(token.keyStart)..<Int(token.keyEnd)])
                if let grams = set.characterGrams, token.kind == .word, key.count >= 2 {
                    // Grams of the key with a space on either side (" idiot "), read in place.
                    let padded = key.count + 2
                    for length in grams where length <= padded {
                        for start in 0...(padded - length) {
                            var hash = FeatureHash.character &+ UInt32(length)
                            for offset in start..<(start + length) {
                                let byte = offset == 0 || offset == padded - 1 ? 0x20 : key[offset - 1]
                                hash = FeatureHash.step(hash, byte)
                            }
                            vector.add(
                                FeatureHash.finish(hash) & ~FeatureHash.namedBit, gramNorm * scope, origin: index)
                        }
                    }
                }
            }
        }
        if set.terms { addTerms(reading, to: &vector) }
        if set.feedbackCues { FeedbackCues.add(reading, tone: tone, to: &vector) }
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
            let names = FeatureNames.terms[TermKind.allCases.firstIndex(of: hit.kind)!]
            vector.add(hit.isMentioned ? names.mentioned : names.said, 1, origin: hit.index)
            if !hit.isMentioned, hit.index <= attackFrameUntil,
                hit.kind == .insult || hit.kind == .hate || hit.kind == .profanity
            {
                vector.add(FeatureNames.attack, 1, origin: hit.index)
            }
        }
    }

    private func addShape(_ reading: Reading, to vector: inout FeatureVector) {
        var words = 0
        var shouted = 0
        for index in reading.tokens.indices where reading.tokens[index].kind == .word {
            words += 1
            if reading.tokens[index].isShouted { shouted += 1 }
        }
        if words >= 3 && shouted * 2 >= words { vector.add(FeatureNames.shouting, 1, origin: -1) }
        // Only a run of "!" and "?" is punctuation of more than one character, and it is ASCII.
        if reading.tokens.contains(where: {
            $0.kind == .punctuation && $0.textLength >= 3 && !$0.marks.isDisjoint(with: [.question, .exclamation])
        }) {
            vector.add(FeatureNames.repeatedPunctuation, 1, origin: -1)
        }
        vector.add(FeatureNames.languages[TextLanguage.allCases.firstIndex(of: reading.language)!], 1, origin: -1)
    }
}
