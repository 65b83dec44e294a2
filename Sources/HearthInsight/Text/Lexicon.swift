import Foundation

/// A kind of toxic wording, from the bundled term lists.
public enum TermKind: String, Sendable, CaseIterable, Codable {
    case insult, obscene, hate, threat, attack, dismiss, profanity
    /// Wording that condemns abuse ("is not okay", « inadmissible »): a sign of counter-speech.
    case condemn
}

/// Word lists the engine reads with: toxic terms by kind, sentiment lexicons, and the emoji descriptions.
///
/// Loaded once from the target's resources (see `Resources/SOURCES.md` for their origins and licenses).
public struct Lexicon: Sendable {
    struct Term: Sendable {
        var keys: [String]
        var kind: TermKind
    }

    /// Terms indexed by their first token's key; the longest match wins.
    private(set) var terms: [String: [Term]] = [:]
    /// English VADER valences (-4 ... 4), by folded token.
    private(set) var vader: [String: Double] = [:]
    /// Emoji → its English description, scored through `vader`.
    private(set) var emojiWords: [String: [String]] = [:]
    /// French Pattern polarities (-1 ... 1), by folded form.
    private(set) var pattern: [String: Double] = [:]

    /// Single words that spaced-out letters may spell.
    var spelledWords: Set<String> {
        Set(terms.values.joined().filter { $0.keys.count == 1 && $0.keys[0].count >= 3 }.map { $0.keys[0] })
    }

    /// The lists shipped with Hearth.
    public static func bundled() throws(InsightError) -> Lexicon {
        do {
            return try Lexicon(resources: Bundle.module)
        } catch {
            throw InsightError.missingResource(String(describing: error))
        }
    }

    init(resources bundle: Bundle) throws {
        let plain = Tokenizer()
        func lines(_ name: String, _ ext: String) throws -> [Substring] {
            guard let url = bundle.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(name).\(ext)"])
            }
            return try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
                .filter { !$0.hasPrefix("#") }
        }
        func add(_ phrase: some StringProtocol, _ kind: TermKind) {
            let keys = plain.tokens(String(phrase)).filter { $0.kind == .word }.map(\.key)
            guard let first = keys.first else { return }
            terms[first, default: []].append(Term(keys: keys, kind: kind))
        }
        for line in try lines("toxic-terms", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count == 3, let kind = TermKind(rawValue: String(fields[0])) { add(fields[2], kind) }
        }
        for name in ["profanity-en", "profanity-fr"] {
            for line in try lines(name, "txt") where terms[Folding.fold(line)] == nil { add(line, .profanity) }
        }
        for key in terms.keys { terms[key]?.sort { $0.keys.count > $1.keys.count } }
        for line in try lines("vader-lexicon", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let value = Double(fields[1]) { vader[Folding.fold(fields[0])] = value }
        }
        for line in try lines("vader-emoji", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count == 2 { emojiWords[String(fields[0])] = fields[1].split(separator: " ").map(String.init) }
        }
        for line in try lines("pattern-fr", "tsv") {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let value = Double(fields[1]) { pattern[Folding.fold(fields[0])] = value }
        }
    }

    /// The longest term starting at `index`, as (kind, number of tokens).
    func term(in tokens: [Token], at index: Int) -> (kind: TermKind, length: Int)? {
        guard let candidates = terms[tokens[index].key] else { return nil }
        for term in candidates where index + term.keys.count <= tokens.count {
            var matches = true
            for (offset, key) in term.keys.enumerated().dropFirst() where tokens[index + offset].key != key {
                matches = false
                break
            }
            if matches { return (term.kind, term.keys.count) }
        }
        return nil
    }
}
