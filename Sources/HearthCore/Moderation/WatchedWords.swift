import Foundation

/// Marker for `Identifier<WatchedWord>`.
public typealias WatchedWordID = Identifier<WatchedWord>

/// A word or expression staff watch for in new posts, per language.
public struct WatchedWord: Sendable, Equatable, Identifiable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// The post is refused; its author keeps the text and is told which word.
        case block
        /// The post waits in the review queue until a moderator lets it through.
        case requireApproval = "require_approval"
        /// The post goes out, and into the review queue.
        case flag
        /// The word is replaced as the post is written.
        case replace
    }

    public let id: WatchedWordID
    /// "en" or "fr"; nil for every language.
    public let language: String?
    /// A word or phrase, matched the way the engine reads text; or a regular expression when `isRegex`.
    public let pattern: String
    public let isRegex: Bool
    public let action: Action
    public let replacement: String?
    public let createdAt: Date

    public init(
        id: WatchedWordID, language: String?, pattern: String, isRegex: Bool, action: Action, replacement: String?,
        createdAt: Date
    ) {
        self.id = id
        self.language = language
        self.pattern = pattern
        self.isRegex = isRegex
        self.action = action
        self.replacement = replacement
        self.createdAt = createdAt
    }

    /// How staff read it in lists and reasons: the phrase in quotes, a regular expression between slashes.
    public var label: String { Self.label(pattern, isRegex: isRegex) }

    static func label(_ pattern: String, isRegex: Bool) -> String {
        isRegex ? "/\(pattern)/" : "“\(pattern)”"
    }
}

/// A watched word about to be added.
public struct NewWatchedWord: Sendable, Equatable {
    public var language: String?
    public var pattern: String
    public var isRegex: Bool
    public var action: WatchedWord.Action
    public var replacement: String?

    public init(
        language: String?, pattern: String, isRegex: Bool, action: WatchedWord.Action, replacement: String? = nil
    ) {
        self.language = language
        self.pattern = pattern
        self.isRegex = isRegex
        self.action = action
        self.replacement = replacement
    }

    public var label: String { WatchedWord.label(pattern, isRegex: isRegex) }
}

public protocol WatchedWordRepository: Sendable {
    func watchedWords() async throws -> [WatchedWord]
    /// Adds the word with its log line (whose target becomes the new word's id).
    func add(_ word: NewWatchedWord, log: NewLogEntry, at date: Date) async throws -> WatchedWord
    /// False when there is no such word.
    func remove(_ id: WatchedWordID, log: NewLogEntry, at date: Date) async throws -> Bool
}

/// One word of a text in the form the engine matches on: folded (case, accents), with leetspeak and elisions
/// undone, and where it lies in the text.
public struct NormalWord: Sendable, Equatable {
    public var key: String
    /// The key with every run of a repeated letter squeezed to one, for words written stretched ("nuuuul");
    /// nil for words written plainly.
    public var squeezed: String?
    /// Where the word lies in the text's UTF-8.
    public var utf8: Range<Int>

    public init(key: String, squeezed: String?, utf8: Range<Int>) {
        self.key = key
        self.squeezed = squeezed
        self.utf8 = utf8
    }
}

/// The triage engine's normaliser, behind a protocol so that Core does not depend on the engine.
public protocol WordNormaliser: Sendable {
    /// The text's words; spaced or dotted letters that spell one of `spelling` ("b u y") come back joined.
    func words(_ text: String, spelling: Set<String>) -> [NormalWord]
}

/// What the watched words found in a text.
public struct WatchedMatch: Sendable, Equatable {
    /// The text with `replace` words replaced.
    public var text: String
    public var blocked: [WatchedWord] = []
    public var approval: [WatchedWord] = []
    public var flagged: [WatchedWord] = []
    /// Regular expressions that ran out of time on this text: a moderator should look.
    public var timedOut: [WatchedWord] = []

    public init(text: String) {
        self.text = text
    }
}

/// The community's watched words, ready to match: phrases as key sequences, expressions compiled.
public struct WatchedWordList: Sendable {
    /// Longest a regular expression may run on one post.
    public static let timeLimit: TimeInterval = 0.05

    struct Phrase: Sendable {
        let word: WatchedWord
        let keys: [String]
        let squeezed: [String]
    }

    struct Expression: @unchecked Sendable {
        // NSRegularExpression is immutable once made and documented safe to use from several threads.
        let word: WatchedWord
        let regex: NSRegularExpression
        /// Letters every match holds, lowercase ASCII (`promo` for `\bpromo[0-9]+\b`): a text without them is not
        /// run through the expression at all. Nil when the pattern does not say (an alternation, a group).
        let required: [UInt8]?
    }

    let phrases: [Phrase]
    /// Phrases by their first key, and by their first key squeezed (for words written stretched): a post's words
    /// are each looked up once, whatever the number of phrases.
    let byFirstKey: [String: [Int]]
    let byFirstSqueezed: [String: [Int]]
    let expressions: [Expression]
    let spelling: Set<String>
    let normaliser: any WordNormaliser

    public init(_ words: [WatchedWord], normaliser: any WordNormaliser) {
        var phrases: [Phrase] = []
        var expressions: [Expression] = []
        for word in words {
            if word.isRegex {
                // Stored words were checked when added; one that no longer compiles is skipped, not fatal.
                if let regex = try? Self.compile(word.pattern) {
                    expressions.append(
                        Expression(word: word, regex: regex, required: Self.requiredLiteral(word.pattern)))
                }
            } else {
                let keys = normaliser.words(word.pattern, spelling: []).map(\.key)
                if !keys.isEmpty { phrases.append(Phrase(word: word, keys: keys, squeezed: keys.map(Self.squeeze))) }
            }
        }
        self.phrases = phrases
        self.byFirstKey = Dictionary(grouping: phrases.indices, by: { phrases[$0].keys[0] })
        self.byFirstSqueezed = Dictionary(grouping: phrases.indices, by: { phrases[$0].squeezed[0] })
        self.expressions = expressions
        self.spelling = Set(phrases.filter { $0.keys.count == 1 }.map { $0.keys[0] })
        self.normaliser = normaliser
    }

    public var isEmpty: Bool { phrases.isEmpty && expressions.isEmpty }

    /// Matches a text written in `language` ("en", "fr"; nil or "unknown" matches every word). All the regular
    /// expressions together get `budget`; those left when it runs out are reported as timed out, for a moderator.
    public func match(_ text: String, language: String?, budget: TimeInterval = timeLimit * 4) -> WatchedMatch {
        var result = WatchedMatch(text: text)
        guard !isEmpty else { return result }
        func applies(_ word: WatchedWord) -> Bool {
            word.language == nil || language == nil || language == "unknown" || word.language == language
        }
        let words = normaliser.words(text, spelling: spelling)
        var replacements: [(Range<Int>, String)] = []
        var found: [Int: [Range<Int>]] = [:]
        for index in words.indices {
            var candidates = byFirstKey[words[index].key] ?? []
            if let squeezed = words[index].squeezed { candidates += byFirstSqueezed[squeezed] ?? [] }
            for candidate in Set(candidates) where applies(phrases[candidate].word) {
                if let range = Self.occurrence(of: phrases[candidate], in: words, at: index) {
                    found[candidate, default: []].append(range)
                }
            }
        }
        for (candidate, ranges) in found.sorted(by: { $0.key < $1.key }) {
            let word = phrases[candidate].word
            record(word, in: &result)
            if word.action == .replace { replacements += ranges.map { ($0, word.replacement ?? "") } }
        }
        let expressions = expressions.filter { applies($0.word) }
        if !expressions.isEmpty {
            match(expressions, in: text, normal: words, budget: budget, into: &result, replacing: &replacements)
        }
        if !replacements.isEmpty { result.text = Self.replacing(replacements, in: text) }
        return result
    }

    /// The text as written and its normal form ("V1agra" → "viagra") are matched in one pass, joined by a blank
    /// line: a match in the normal form counts only when the written text has none, and one astride both counts
    /// for neither.
    private func match(
        _ expressions: [Expression], in text: String, normal words: [NormalWord], budget: TimeInterval,
        into result: inout WatchedMatch, replacing replacements: inout [(Range<Int>, String)]
    ) {
        let separator = "\n\n"
        let written = text.utf8.count
        let normalStart = written + separator.utf8.count
        let both = text + separator + words.map(\.key).joined(separator: " ")
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(budget * 1_000_000_000)
        let lowered = Self.prefilterBytes(both)
        for expression in expressions {
            if let lowered, let required = expression.required,
                ASCIISearch.firstIndex(of: required, in: lowered) == nil
            {
                continue
            }
            let left = Double(Int64(deadline) - Int64(DispatchTime.now().uptimeNanoseconds)) / 1_000_000_000
            guard left > 0,
                case .found(let ranges) = Self.ranges(of: expression.regex, in: both, limit: min(Self.timeLimit, left))
            else {
                result.timedOut.append(expression.word)
                continue
            }
            let inText = ranges.filter { $0.upperBound <= written }
            if !inText.isEmpty {
                record(expression.word, in: &result)
                if expression.word.action == .replace {
                    replacements += inText.map { ($0, expression.word.replacement ?? "") }
                }
            } else if ranges.contains(where: { $0.lowerBound >= normalStart }) {
                // A replacement needs a place in the text as written; a match only in the normal form is flagged.
                if expression.word.action == .replace {
                    result.flagged.append(expression.word)
                } else {
                    record(expression.word, in: &result)
                }
            }
        }
    }

    private func record(_ word: WatchedWord, in result: inout WatchedMatch) {
        switch word.action {
        case .block: result.blocked.append(word)
        case .requireApproval: result.approval.append(word)
        case .flag: result.flagged.append(word)
        case .replace: break
        }
    }

    /// The phrase starting at word `index`, as a range of the text's UTF-8; nil when it does not start there.
    static func occurrence(of phrase: Phrase, in words: [NormalWord], at index: Int) -> Range<Int>? {
        let count = phrase.keys.count
        guard index + count <= words.count else { return nil }
        for offset in 0..<count {
            let word = words[index + offset]
            if word.key != phrase.keys[offset], word.squeezed == nil || word.squeezed != phrase.squeezed[offset] {
                return nil
            }
        }
        return words[index].utf8.lowerBound..<words[index + count - 1].utf8.upperBound
    }

    /// "cooool" → "col": every run of one letter down to one.
    public static func squeeze(_ key: String) -> String {
        var out = ""
        var last: Character?
        for character in key where character != last {
            out.append(character)
            last = character
        }
        return out
    }

    static func replacing(_ replacements: [(Range<Int>, String)], in text: String) -> String {
        var bytes = Array(text.utf8)
        // From the end, so earlier ranges stay where they were; overlapping ones keep the first.
        var lastStart = Int.max
        for (range, replacement) in replacements.sorted(by: { $0.0.lowerBound > $1.0.lowerBound })
        where range.upperBound <= lastStart {
            bytes.replaceSubrange(range, with: Array(replacement.utf8))
            lastStart = range.lowerBound
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Regular expressions

    static func compile(_ pattern: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        } catch {
            throw HearthError.invalid(
                "pattern", "This regular expression does not compile; check its brackets and escapes.")
        }
    }

    enum Outcome: Equatable {
        case found([Range<Int>])
        case timedOut
    }

    /// Every match, as UTF-8 ranges, unless matching runs longer than `timeLimit`.
    static func ranges(of regex: NSRegularExpression, in text: String, limit: TimeInterval = timeLimit) -> Outcome {
        let start = DispatchTime.now().uptimeNanoseconds
        let budget = UInt64(limit * 1_000_000_000)
        var found: [Range<Int>] = []
        var timedOut = false
        let utf16 = text.utf16
        // Progress is reported at every position tried and every few thousand backtracking steps; the clock is
        // read at one report in 32, which costs less than the matching itself.
        var reports = 0
        regex.enumerateMatches(
            in: text, options: [.reportProgress], range: NSRange(location: 0, length: utf16.count)
        ) { match, _, stop in
            reports &+= 1
            if reports & 31 == 0, DispatchTime.now().uptimeNanoseconds - start > budget {
                timedOut = true
                stop.pointee = true
                return
            }
            guard let match, match.range.length > 0, let range = Range(match.range, in: text) else { return }
            let lower = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
            found.append(lower..<(lower + text.utf8.distance(from: range.lowerBound, to: range.upperBound)))
        }
        return timedOut ? .timedOut : .found(found)
    }

    /// Text that makes a careless expression backtrack for a long time ("(a+)+$" on "aaaa…!"), to refuse such an
    /// expression when it is added rather than find out on a busy evening.
    static let probes: [String] = [
        String(repeating: "a", count: 4_000) + "!",
        String(repeating: "ab", count: 2_000) + "!",
        String(repeating: "a ", count: 2_000) + "!",
        String(repeating: "aaaa bbbb 1234 ", count: 300) + "@",
    ]

    /// Refuses an expression that does not compile or runs too long on the probes, and on runs of its own letters
    /// (what "(x+x+)+y" chokes on is a long run of x).
    public static func check(_ pattern: String) throws {
        let regex = try compile(pattern)
        var letters: [Character] = []
        for character in pattern where character.isLetter || character.isNumber {
            if !letters.contains(character) { letters.append(character) }
        }
        let own = letters.prefix(6).map { String(repeating: $0, count: 3_000) + "!" }
        for probe in probes + own where ranges(of: regex, in: probe, limit: timeLimit * 2) == .timedOut {
            throw HearthError.invalid(
                "pattern",
                "This regular expression runs too long on some texts (nested repeats such as (a+)+ do); simplify it.")
        }
    }
}
