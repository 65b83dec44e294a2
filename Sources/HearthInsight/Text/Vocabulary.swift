/// Every word the engine's lists know, interned once: a word's id indexes what the lists say about it
/// (`Lexicon.facts`), so reading a post looks each word up once instead of once per list.
///
/// Open addressing over the token's own FNV hash, which the tokenizer computed already; the key is compared only
/// when the hashes agree.
struct Vocabulary: Sendable {
    private let slots: [Int32]
    private let hashes: [UInt32]
    /// Every key's UTF-8, one after another; key `id` is `bytes[starts[id]..<starts[id + 1]]`.
    private let bytes: [UInt8]
    private let starts: [Int]

    init(_ keys: [String]) {
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        var slots = Array(repeating: Int32(-1), count: size)
        let hashes = keys.map(Token.hash(of:))
        for (id, hash) in hashes.enumerated() {
            var slot = Int(FeatureHash.finish(hash)) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(id)
        }
        self.slots = slots
        self.hashes = hashes
        var bytes: [UInt8] = []
        var starts = [0]
        for key in keys {
            bytes.append(contentsOf: key.utf8)
            starts.append(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
    }

    var count: Int { starts.count - 1 }

    /// Key `id` as a string (building the lexicon; never while reading a post).
    func key(_ id: Int32) -> String {
        String(decoding: bytes[starts[Int(id)]..<starts[Int(id) + 1]], as: UTF8.self)
    }

    /// The id of the key whose UTF-8 is `key` and whose hash is `hash`, or -1.
    func id(of key: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int32 {
        let mask = slots.count - 1
        var slot = Int(FeatureHash.finish(hash)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return -1 }
            if hashes[Int(id)] == hash && matches(Int(id), key) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// Whether key `id` is `key`, byte for byte.
    @inline(__always)
    private func matches(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == key.count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            for offset in 0..<key.count where bytes[start &+ offset] != key[offset] { return false }
            return true
        }
    }

    func id(of key: String) -> Int32 {
        var key = key
        return key.withUTF8 { id(of: $0, hash: Token.hash(of: $0)) }
    }
}

/// What the engine's word lists say about one word.
struct WordFacts: Sendable {
    struct Roles: OptionSet, Sendable {
        let rawValue: UInt8
        /// Opens a negation window: "not", « pas », « jamais ».
        static let negator = Roles(rawValue: 1)
        /// Reports what someone else said: "calling", « traiter ».
        static let reporter = Roles(rawValue: 2)
        /// "but", « mais »: closes a negation window and re-weights sentiment.
        static let contrast = Roles(rawValue: 4)
        /// French « ne », which negates sentiment though it opens no mention scope.
        static let frenchNe = Roles(rawValue: 8)
    }

    var roles: Roles = []
    /// Bit `i` set: a function word of `LanguageIdentifier.profiles[i]`.
    var languages: UInt8 = 0
    /// VADER valence (-4 ... 4), 0 when VADER does not know the word.
    var vader: Double = 0
    /// Pattern polarity (-1 ... 1) of a French word.
    var pattern: Double?
    /// Valence of French forum words outside Pattern.
    var frenchValence: Double = 0
    /// VADER's booster increment (negative for hedges).
    var booster: Double = 0
    /// Index into `Lexicon.termPhrases` of the toxic terms starting with this word, or -1.
    var terms: Int32 = -1
    /// Index into `Lexicon.cuePhrases` of the feedback cues starting with this word, or -1.
    var cues: Int32 = -1
}

/// A phrase of a word list, as word ids, with what it means (a `TermKind` or a feedback cue kind, by index).
struct Phrase: Sendable {
    var words: [Int32]
    var label: UInt8
}
