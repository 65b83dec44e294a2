/// One unit of a post as the engine reads it.
public struct Token: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case word, number, url, mention, emoji, emoticon, punctuation
    }

    public var kind: Kind
    /// The matching form: folded, with leetspeak, elongation and elisions undone ("C0NN4RD" → "connard",
    /// "nuuuul" → "nul", "l'" → "le"). URLs and mentions have the placeholder keys `<url>` and `<mention>`.
    public var key: String
    /// The text as written, for display and explanations.
    public var original: String
    /// Written in capitals, with at least two letters ("NUL", not "I").
    public var isShouted: Bool = false
    /// Had a letter stretched three times or more ("nuuuul", "sooo").
    public var isElongated: Bool = false
    /// Written with digits or symbols for letters, or spaced out ("c0n", "c.o.n", "f u c k").
    public var isObfuscated: Bool = false
    /// The key's FNV-1a state (unfinished), computed once: the word's unigram feature and the start of its
    /// word-pair feature, and how the vocabulary finds it.
    public let hash: UInt32
    /// The key's entry in the lexicon's vocabulary, or -1 for a word no list knows. Set by `Reader`.
    public var word: Int32 = -1

    /// What a punctuation token does, decided once from its key so that the passes over a reading compare no
    /// strings.
    struct Marks: OptionSet, Sendable {
        let rawValue: UInt8
        static let endsClause = Marks(rawValue: 1)
        static let quote = Marks(rawValue: 2)
        static let question = Marks(rawValue: 4)
        static let exclamation = Marks(rawValue: 8)
        static let newline = Marks(rawValue: 16)
        static let quoteLine = Marks(rawValue: 32)
    }

    let marks: Marks

    public init(kind: Kind, key: String, original: String) {
        self.kind = kind
        self.key = key
        self.original = original
        self.hash = Self.hash(of: key)
        self.marks = kind == .punctuation ? Self.marks(of: key) : []
    }

    /// A word whose folded key is the UTF-8 `key`, hashed as it is read.
    init(word key: [UInt8], original: String) {
        self.kind = .word
        self.key = String(decoding: key, as: UTF8.self)
        self.original = original
        self.hash = Self.hash(of: key)
        self.marks = []
    }

    private static func marks(of key: String) -> Marks {
        switch key {
        case ".", ";", ":": [.endsClause]
        case "\n": [.endsClause, .newline]
        case "!": [.endsClause, .exclamation]
        case "?": [.endsClause, .question]
        case "?!": [.endsClause, .question, .exclamation]
        case "\"", "«", "»", "“", "”": [.quote]
        case ">": [.quoteLine]
        default: []
        }
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
