/// One unit of a post as the engine reads it.
public struct Token: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case word, number, url, mention, emoji, emoticon, punctuation
    }

    public var kind: Kind
    /// Written in capitals, with at least two letters ("NUL", not "I").
    public var isShouted: Bool = false
    /// Had a letter stretched three times or more ("nuuuul", "sooo").
    public var isElongated: Bool = false
    /// Written with digits or symbols for letters, or spaced out ("c0n", "c.o.n", "f u c k").
    public var isObfuscated: Bool = false
    /// What a punctuation token does, decided once from its key so that the passes over a reading compare no
    /// strings.
    let marks: Marks
    /// The key's FNV-1a state (unfinished), computed once: the word's unigram feature and the start of its
    /// word-pair feature, and how the vocabulary finds it.
    public let hash: UInt32
    /// The key's entry in the lexicon's vocabulary, or -1 for a word no list knows. Set by `Reader`.
    public var word: Int32 = -1
    /// The word feature and the word-pair feature (with the token before; 0 for none) that every model reads,
    /// hashed once per reading. Set by `Reader`.
    var unigramFeature: UInt32 = 0
    var bigramFeature: UInt32 = 0
    /// Where the key's UTF-8 lies in its list's `keyBytes`.
    let keyStart: Int32
    let keyEnd: Int32
    /// Where the text as written lies in the post's UTF-8.
    let textStart: Int32
    let textEnd: Int32

    struct Marks: OptionSet, Sendable {
        let rawValue: UInt8
        static let endsClause = Marks(rawValue: 1)
        static let quote = Marks(rawValue: 2)
        static let question = Marks(rawValue: 4)
        static let exclamation = Marks(rawValue: 8)
        static let newline = Marks(rawValue: 16)
        static let quoteLine = Marks(rawValue: 32)
        static let apostrophe = Marks(rawValue: 64)
    }

    /// A token whose key is `key` (UTF-8, already appended to its list's key bytes at `keyStart`).
    init(kind: Kind, key: UnsafeBufferPointer<UInt8>, keyStart: Int, text: Range<Int>) {
        self.kind = kind
        self.hash = Self.hash(of: key)
        self.marks = kind == .punctuation ? Self.marks(of: key) : []
        self.keyStart = Int32(keyStart)
        self.keyEnd = Int32(keyStart + key.count)
        self.textStart = Int32(text.lowerBound)
        self.textEnd = Int32(text.upperBound)
    }

    /// The length of the key, in UTF-8 bytes.
    var keyLength: Int { Int(keyEnd - keyStart) }
    /// The length of the text as written, in UTF-8 bytes.
    var textLength: Int { Int(textEnd - textStart) }

    private static func marks(of key: UnsafeBufferPointer<UInt8>) -> Marks {
        switch key.count == 1 ? key[0] : 0 {
        case UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ":"): return [.endsClause]
        case UInt8(ascii: "\n"): return [.endsClause, .newline]
        case UInt8(ascii: "!"): return [.endsClause, .exclamation]
        case UInt8(ascii: "?"): return [.endsClause, .question]
        case UInt8(ascii: "\""): return [.quote]
        case UInt8(ascii: ">"): return [.quoteLine]
        case UInt8(ascii: "'"): return [.apostrophe]
        case 0: break
        default: return []
        }
        if key.elementsEqual("?!".utf8) { return [.endsClause, .question, .exclamation] }
        if key.elementsEqual("«".utf8) || key.elementsEqual("»".utf8) || key.elementsEqual("\u{201C}".utf8)
            || key.elementsEqual("\u{201D}".utf8)
        {
            return [.quote]
        }
        return []
    }

    static func hash(of key: String) -> UInt32 {
        hash(of: key.utf8)
    }

    /// FNV-1a over a key's UTF-8, seeded as a unigram feature.
    @inline(__always)
    static func hash(of bytes: some Sequence<UInt8>) -> UInt32 {
        var hash = FeatureHash.unigram
        for byte in bytes { hash = FeatureHash.step(hash, byte) }
        return hash
    }

    /// True for tokens that carry words a reader would say: words, and emoji/emoticons.
    public var isLexical: Bool { kind == .word || kind == .emoji || kind == .emoticon }

    /// Sentence-ending or clause-ending punctuation, which closes negation and report scopes.
    public var endsClause: Bool { marks.contains(.endsClause) }

    /// A run of question marks, perhaps with exclamation marks.
    public var isQuestion: Bool { marks.contains(.question) }

    /// A run of exclamation marks, with no question mark.
    var isExclamation: Bool { marks == [.endsClause, .exclamation] }

    /// Quotation marks of either language.
    public var isQuoteMark: Bool { marks.contains(.quote) }
}

/// A post's tokens with the two buffers their keys and originals are ranges of, so reading a post builds no
/// string per word: `key(_:)` and `original(_:)` make one only when asked (explanations, tests).
public struct TokenList: Sendable, RandomAccessCollection {
    var tokens: [Token]
    /// Every token's folded key, one after another, in UTF-8.
    let keyBytes: [UInt8]
    /// The post's UTF-8.
    let utf8: [UInt8]

    public var startIndex: Int { 0 }
    public var endIndex: Int { tokens.count }
    public subscript(position: Int) -> Token { tokens[position] }

    /// The matching form of token `index`: folded, with leetspeak, elongation and elisions undone ("C0NN4RD" →
    /// "connard", "nuuuul" → "nul", "l'" → "le"). URLs, mentions and numbers have the keys `<url>`, `<mention>`,
    /// `<num>`.
    public func key(_ index: Int) -> String {
        String(decoding: keyBytes[Int(tokens[index].keyStart)..<Int(tokens[index].keyEnd)], as: UTF8.self)
    }

    /// Token `index` as written, for display and explanations.
    public func original(_ index: Int) -> String {
        String(decoding: utf8[Int(tokens[index].textStart)..<Int(tokens[index].textEnd)], as: UTF8.self)
    }

    /// Where token `index` lies in the text's UTF-8, as written.
    public func utf8Range(_ index: Int) -> Range<Int> {
        Int(tokens[index].textStart)..<Int(tokens[index].textEnd)
    }

    /// Every key, in order.
    public var keys: [String] { indices.map(key) }
    /// Every token as written, in order.
    public var originals: [String] { indices.map(original) }

    /// Whether tokens `first` and `second` have the same key.
    func sameKey(_ first: Int, _ second: Int) -> Bool {
        let one = tokens[first]
        let other = tokens[second]
        guard one.hash == other.hash && one.keyLength == other.keyLength else { return false }
        return keyBytes[Int(one.keyStart)..<Int(one.keyEnd)].elementsEqual(
            keyBytes[Int(other.keyStart)..<Int(other.keyEnd)])
    }

    /// Token `index`'s text as written, as UTF-8.
    func text(_ index: Int) -> ArraySlice<UInt8> {
        utf8[Int(tokens[index].textStart)..<Int(tokens[index].textEnd)]
    }
}
