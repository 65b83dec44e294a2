/// A post read once: its tokens, language, where each token stands (negated, quoted, reported), and the toxic
/// terms found in it. Every signal works from the same reading.
public struct Reading: Sendable {
    /// Where a token stands. Words in these scopes are *mentioned*, not *used*: "I'm not an idiot",
    /// « il m'a traité de con », "calling people 'scum' is not OK".
    public struct Scope: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let negated = Scope(rawValue: 1)
        public static let quoted = Scope(rawValue: 2)
        public static let reported = Scope(rawValue: 4)
    }

    public struct Hit: Sendable, Equatable {
        public var index: Int
        public var length: Int
        public var kind: TermKind
        /// True when the term is negated, quoted or reported rather than said.
        public var isMentioned: Bool
    }

    public let text: String
    public let tokens: TokenList
    public let scopes: [Scope]
    public let hits: [Hit]
    public let language: TextLanguage
    /// Feedback cue phrases found, as (cue kind index into `FeedbackCues.kinds`, first token).
    let cues: [(kind: UInt8, index: Int)]

    /// The words of a hit as written.
    public func words(of hit: Hit) -> String {
        (hit.index..<(hit.index + hit.length)).map(tokens.original).joined(separator: " ")
    }
}

/// Reads posts: tokenises, identifies the language, marks scopes and finds terms.
public struct Reader: Sendable {
    public let lexicon: Lexicon
    let tokenizer: Tokenizer
    let identifier = LanguageIdentifier()

    public init(lexicon: Lexicon) {
        self.lexicon = lexicon
        self.tokenizer = Tokenizer(spelledWords: lexicon.spelledWords)
    }

    public func read(_ text: String) -> Reading {
        var tokens = tokenizer.tokens(text)
        tokens.keyBytes.withUnsafeBufferPointer { keys in
            var previous: UInt32? = nil
            for index in tokens.indices {
                let token = tokens[index]
                let key = UnsafeBufferPointer(rebasing: keys[Int(token.keyStart)..<Int(token.keyEnd)])
                if token.kind != .punctuation {
                    tokens.tokens[index].word = lexicon.vocabulary.id(of: key, hash: token.hash)
                } else if token.marks.isDisjoint(with: [.question, .exclamation]) {
                    previous = nil
                    continue
                }
                tokens.tokens[index].unigramFeature = FeatureHash.unigramFeature(token.hash)
                if let previous { tokens.tokens[index].bigramFeature = FeatureHash.bigramFeature(previous, key) }
                previous = token.hash
            }
        }
        let scopes = Self.scopes(tokens, lexicon: lexicon)
        var hits: [Reading.Hit] = []
        hits.reserveCapacity(8)
        var index = 0
        while index < tokens.count {
            if tokens[index].kind == .word, let (kind, length) = lexicon.term(in: tokens, at: index) {
                let mentioned = scopes[index..<(index + length)].contains { !$0.isEmpty }
                hits.append(Reading.Hit(index: index, length: length, kind: kind, isMentioned: mentioned))
                index += kind == .attack ? 1 : length
            } else {
                index += 1
            }
        }
        return Reading(
            text: text, tokens: tokens, scopes: scopes, hits: hits,
            language: identifier.identify(tokens, lexicon: lexicon), cues: cues(tokens))
    }

    /// Every feedback cue phrase, wherever it starts; an apostrophe between its words is skipped.
    private func cues(_ tokens: TokenList) -> [(kind: UInt8, index: Int)] {
        var found: [(kind: UInt8, index: Int)] = []
        found.reserveCapacity(8)
        for index in tokens.indices where tokens[index].kind == .word {
            guard let group = lexicon.facts(tokens[index].word)?.cues, group >= 0 else { continue }
            phrases: for phrase in lexicon.cuePhrases[Int(group)] {
                var position = index + 1
                for word in phrase.words.dropFirst() {
                    while position < tokens.count, tokens[position].marks.contains(.apostrophe) {
                        position += 1
                    }
                    guard position < tokens.count, tokens[position].word == word else { continue phrases }
                    position += 1
                }
                found.append((phrase.label, index))
            }
        }
        return found
    }

    /// Negation opens a window of five words ("don't think you are an idiot"); a report verb ("saying", "traiter de") runs to the end of the
    /// clause; quotation marks and Markdown quote lines ("> …") quote what they hold.
    static func scopes(_ tokens: TokenList, lexicon: Lexicon) -> [Reading.Scope] {
        var scopes = Array(repeating: Reading.Scope(), count: tokens.count)
        var inQuote = false
        var negationLeft = 0
        var reporting = false
        var lineQuoted = false
        for index in tokens.indices {
            if tokens[index].isQuoteMark {
                inQuote.toggle()
                continue
            }
            if tokens[index].marks.contains(.quoteLine) && (index == 0 || tokens[index - 1].marks.contains(.newline)) {
                lineQuoted = true
            }
            if tokens[index].endsClause {
                negationLeft = 0
                reporting = false
                if tokens[index].marks.contains(.newline) { lineQuoted = false }
                continue
            }
            let roles = tokens[index].kind == .word ? lexicon.facts(tokens[index].word)?.roles ?? [] : []
            if roles.contains(.contrast) { negationLeft = 0 }
            var scope = Reading.Scope()
            if inQuote || lineQuoted { scope.insert(.quoted) }
            if negationLeft > 0 {
                scope.insert(.negated)
                negationLeft -= 1
            }
            if reporting { scope.insert(.reported) }
            scopes[index] = scope
            if roles.contains(.negator) { negationLeft = 5 }
            if roles.contains(.reporter) { reporting = true }
        }
        // A quote left open by a stray mark quotes nothing: undo it rather than excuse the rest of the post.
        if inQuote, let lastMark = tokens.lastIndex(where: \.isQuoteMark) {
            for index in lastMark..<tokens.count { scopes[index].remove(.quoted) }
        }
        return scopes
    }

    static let negators: Set<String> = [
        "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "cannot",
        "wont", "wouldnt", "shouldnt", "couldnt", "aint", "nobody", "none", "nothing", "neither", "nor", "without",
        "hardly", "opposite", "pas", "jamais", "aucun", "aucune", "rien", "ni", "sans", "personne", "nullement",
        "guere",
    ]

    static let reporters: Set<String> = [
        "say", "says", "saying", "said", "call", "calls", "calling", "called", "word", "words", "term", "terms",
        "slur", "slurs", "tweet", "tweeted", "wrote", "write", "writes", "writing", "quote", "quoting", "quoted",
        "dire", "dit", "dis", "disent", "disant", "traiter", "traite", "traites", "traitee", "traitent", "traitant",
        "appeler", "appele", "appelle", "appellent", "mot", "mots", "terme", "termes", "insulte", "insultes",
        "ecrire", "ecrit", "ecrivent",
    ]
}
