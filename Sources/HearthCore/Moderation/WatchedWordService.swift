import Foundation

/// The community manager's list of watched words: checked when added, so a bad one never reaches a post.
public struct WatchedWordService: Sendable {
    static let maximumLength = 200
    static let maximumCount = 2_000
    /// Expressions cost time on every post; plain words, looked up by their first word, cost next to none.
    static let maximumExpressions = 100

    let words: any WatchedWordRepository
    let gate: ModerationGate?
    let policy: AccessPolicy
    let now: Now

    public init(words: any WatchedWordRepository, gate: ModerationGate?, policy: AccessPolicy, now: @escaping Now) {
        self.words = words
        self.gate = gate
        self.policy = policy
        self.now = now
    }

    public func list(_ viewer: Viewer?) async throws -> [WatchedWord] {
        try policy.authorize(viewer, .manageWatchedWords, at: now())
        return try await words.watchedWords()
    }

    public func add(_ viewer: Viewer?, _ raw: NewWatchedWord) async throws -> WatchedWord {
        let date = now()
        try policy.authorize(viewer, .manageWatchedWords, at: date)
        guard let actor = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        var word = raw
        word.pattern = raw.pattern.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        // Counted in code points as sent, as the API's JSON Schema counts them.
        guard raw.pattern.unicodeScalars.count <= Self.maximumLength, !word.pattern.isEmpty else {
            throw HearthError.invalid("pattern", "Give a word or expression of 1 to 200 characters.")
        }
        if let language = word.language, language.isEmpty {
            word.language = nil
        } else if let language = word.language, Language(rawValue: language) == nil {
            throw HearthError.invalid("language", "Choose English, French, or every language.")
        }
        guard (raw.replacement ?? "").unicodeScalars.count <= Self.maximumLength else {
            throw HearthError.invalid("replacement", "A replacement can be at most 200 characters long.")
        }
        word.replacement =
            word.action == .replace
            ? (raw.replacement ?? "").withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
            : nil
        if word.replacement?.isEmpty == true {
            throw HearthError.invalid("replacement", "Say what replaces the word, for example ***.")
        }
        if word.isRegex { try WatchedWordList.check(word.pattern) }
        let existing = try await words.watchedWords()
        guard existing.count < Self.maximumCount else {
            throw HearthError.invalid("pattern", "The list holds 2,000 words already; remove some first.")
        }
        if word.isRegex, existing.count(where: \.isRegex) >= Self.maximumExpressions {
            throw HearthError.invalid(
                "pattern", "The list holds 100 regular expressions already; remove some, or watch plain words.")
        }
        // A word already watched is refused by the store's unique key, with the same words.
        let saved = try await words.add(
            word,
            log: NewLogEntry(
                actorID: actor.id, action: "watch word", target: .watchedWord, targetID: 0,
                reason: "\(word.label): \(word.action.rawValue)"),
            at: date)
        gate?.wordsChanged()
        return saved
    }

    public func remove(_ viewer: Viewer?, _ id: WatchedWordID) async throws {
        let date = now()
        try policy.authorize(viewer, .manageWatchedWords, at: date)
        guard let actor = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        guard let word = try await words.watchedWords().first(where: { $0.id == id }) else {
            throw HearthError.notFound("There is no such watched word.")
        }
        guard
            try await words.remove(
                id,
                log: NewLogEntry(
                    actorID: actor.id, action: "unwatch word", target: .watchedWord, targetID: id.rawValue,
                    reason: word.label),
                at: date)
        else { throw HearthError.notFound("There is no such watched word.") }
        gate?.wordsChanged()
    }
}
