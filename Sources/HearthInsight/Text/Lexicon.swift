import Foundation

/// A kind of toxic wording, from the bundled term lists.
public enum TermKind: String, Sendable, CaseIterable, Codable {
    case insult, obscene, hate, threat, attack, dismiss, profanity
    /// Wording that condemns abuse ("is not okay", « inadmissible »): a sign of counter-speech.
    case condemn
}

/// Word lists the engine reads with: toxic terms by kind, sentiment lexicons, the emoji descriptions, and the
/// function words, negators, boosters and feedback cues of the signals. Every word of every list is interned once
/// in `vocabulary`; `facts` says what each list knows about it.
///
/// Loaded once from the target's resources (see `Resources/SOURCES.md` for their origins and licenses).
public struct Lexicon: Sendable {
    let vocabulary: Vocabulary
    /// By word id.
    let facts: [WordFacts]
    /// Toxic terms grouped by first word (`WordFacts.terms`), longest first; labels are `TermKind` indices.
    let termPhrases: [[Phrase]]
    /// Feedback cues grouped by first word (`WordFacts.cues`); labels index `FeedbackCues.kinds`.
    let cuePhrases: [[Phrase]]
    /// VADER valences by folded token, for emoticons, whose keys are not words.
    let vader: [String: Double]
    /// Emoji → the mean VADER valence of the words describing it.
    let emojiValence: [String: Double]
    /// Single words that spaced-out letters may spell.
    let spelledWords: Set<String>

    /// The lists shipped with Hearth.
    public static func bundled() throws(InsightError) -> Lexicon {
        do {
            return try Lexicon(resources: Bundle.module)
        } catch {
            throw InsightError.missingResource(String(describing: error))
        }
    }

    init(resources bundle: Bundle) throws {
        func lines(_ name: String, _ ext: String) throws -> [Substring] {
            guard let url = bundle.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(name).\(ext)"])
            }
            return try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
                .filter { !$0.hasPrefix("#") }
        }
        var builder = Builder()
        for line in try lines("toxic-terms", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count == 3, let kind = TermKind(rawValue: String(fields[0])) { builder.addTerm(fields[2], kind) }
        }
        for name in ["profanity-en", "profanity-fr"] {
            for line in try lines(name, "txt") {
                let key = Folding.fold(line)
                guard !builder.startsTerm(key), !Self.identityWords.contains(key) else { continue }
                builder.addTerm(line, .profanity)
            }
        }
        var vader: [String: Double] = [:]
        for line in try lines("vader-lexicon", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let value = Double(fields[1]) {
                let key = Folding.fold(fields[0])
                vader[key] = value
                builder.facts[key, default: WordFacts()].vader = value
            }
        }
        var emojiValence: [String: Double] = [:]
        for line in try lines("vader-emoji", "tsv") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { continue }
            let values = fields[1].split(separator: " ").compactMap { vader[String($0)] }
            if !values.isEmpty { emojiValence[String(fields[0])] = values.reduce(0, +) / Double(values.count) }
        }
        for line in try lines("pattern-fr", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let value = Double(fields[1]) {
                builder.facts[Folding.fold(fields[0]), default: WordFacts()].pattern = value
            }
        }
        builder.addSignalWords()
        self.vader = vader
        self.emojiValence = emojiValence
        let (vocabulary, facts, termPhrases, cuePhrases) = builder.build()
        (self.vocabulary, self.facts, self.termPhrases, self.cuePhrases) = (vocabulary, facts, termPhrases, cuePhrases)
        spelledWords = Set(
            termPhrases.joined().filter { $0.words.count == 1 }.map { vocabulary.key($0.words[0]) }
                .filter { $0.count >= 3 })
    }

    /// Words naming who people are, which the borrowed profanity lists carry but which are never profane on their
    /// own: flagging them makes "gay people deserve respect" read as toxic. Slurs stay in the lists.
    static let identityWords: Set<String> = ["gay", "gays", "gai", "lesbian", "lesbians", "queer", "queers"]

    @inline(__always)
    func facts(_ word: Int32) -> WordFacts? {
        word >= 0 ? facts[Int(word)] : nil
    }

    /// The longest term starting at `index`, as (kind, number of tokens).
    func term(in tokens: TokenList, at index: Int) -> (kind: TermKind, length: Int)? {
        guard let group = facts(tokens[index].word)?.terms, group >= 0 else { return nil }
        for phrase in termPhrases[Int(group)] where index + phrase.words.count <= tokens.count {
            var matches = true
            for offset in 1..<phrase.words.count where tokens[index + offset].word != phrase.words[offset] {
                matches = false
                break
            }
            if matches { return (TermKind.allCases[Int(phrase.label)], phrase.words.count) }
        }
        return nil
    }

    /// Gathers the lists by key, then interns them.
    private struct Builder {
        let tokenizer = Tokenizer()
        var facts: [String: WordFacts] = [:]
        var terms: [(keys: [String], label: UInt8)] = []
        var termStarts: Set<String> = []
        var cues: [(keys: [String], label: UInt8)] = []

        func keys(_ phrase: some StringProtocol, kinds: Set<Token.Kind>) -> [String] {
            let tokens = tokenizer.tokens(String(phrase))
            return tokens.indices.filter { kinds.contains(tokens[$0].kind) }.map(tokens.key)
        }

        func startsTerm(_ key: String) -> Bool { termStarts.contains(key) }

        mutating func addTerm(_ phrase: some StringProtocol, _ kind: TermKind) {
            let keys = keys(phrase, kinds: [.word])
            guard let first = keys.first else { return }
            termStarts.insert(first)
            terms.append((keys, UInt8(TermKind.allCases.firstIndex(of: kind)!)))
        }

        mutating func addSignalWords() {
            for word in Reader.negators { facts[word, default: WordFacts()].roles.insert(.negator) }
            for word in Reader.reporters { facts[word, default: WordFacts()].roles.insert(.reporter) }
            for word in ["but", "mais"] { facts[word, default: WordFacts()].roles.insert(.contrast) }
            facts["ne", default: WordFacts()].roles.insert(.frenchNe)
            for (profile, words) in LanguageIdentifier.profiles.enumerated() {
                for word in words { facts[word, default: WordFacts()].languages |= 1 << profile }
            }
            for (word, value) in SentimentAnalyzer.boosters { facts[word, default: WordFacts()].booster = value }
            for (word, value) in SentimentAnalyzer.frenchWords {
                facts[word, default: WordFacts()].frenchValence = value
            }
            for (label, kind) in FeedbackCues.kinds.enumerated() {
                for phrase in FeedbackCues.phrases[kind, default: ""].split(separator: "|") {
                    let keys = keys(phrase, kinds: [.word, .number, .url, .mention, .emoji, .emoticon])
                    if !keys.isEmpty { cues.append((keys, UInt8(label))) }
                }
            }
        }

        /// Interns every key and groups phrases by their first word.
        func build() -> (Vocabulary, [WordFacts], [[Phrase]], [[Phrase]]) {
            var facts = facts
            for (keys, _) in terms + cues {
                for key in keys where facts[key] == nil { facts[key] = WordFacts() }
            }
            let keys = facts.keys.sorted()
            let vocabulary = Vocabulary(keys)
            var table = keys.map { facts[$0]! }
            func group(_ phrases: [(keys: [String], label: UInt8)], into slot: WritableKeyPath<WordFacts, Int32>)
                -> [[Phrase]]
            {
                var groups: [[Phrase]] = []
                for (keys, label) in phrases {
                    let words = keys.map { vocabulary.id(of: $0) }
                    let first = Int(words[0])
                    if table[first][keyPath: slot] < 0 {
                        table[first][keyPath: slot] = Int32(groups.count)
                        groups.append([])
                    }
                    groups[Int(table[first][keyPath: slot])].append(Phrase(words: words, label: label))
                }
                return groups
            }
            var termGroups = group(terms, into: \.terms)
            for index in termGroups.indices { termGroups[index].sort { $0.words.count > $1.words.count } }
            let cueGroups = group(cues, into: \.cues)
            return (vocabulary, table, termGroups, cueGroups)
        }
    }
}
