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

    public init(kind: Kind, key: String, original: String) {
        self.kind = kind
        self.key = key
        self.original = original
    }

    /// True for tokens that carry words a reader would say: words, and emoji/emoticons.
    public var isLexical: Bool { kind == .word || kind == .emoji || kind == .emoticon }

    /// Sentence-ending or clause-ending punctuation, which closes negation and report scopes.
    public var endsClause: Bool {
        kind == .punctuation
            && (key == "." || key == "!" || key == "?" || key == ";" || key == "?!" || key == ":" || key == "\n")
    }

    /// Quotation marks of either language.
    public var isQuoteMark: Bool {
        kind == .punctuation && (key == "\"" || key == "«" || key == "»" || key == "“" || key == "”")
    }
}
