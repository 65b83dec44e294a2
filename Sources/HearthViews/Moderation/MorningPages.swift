import Foundation
import HearthCore

/// The community manager's watched words (`/watched-words`): the list, and a form to add one.
public struct WatchedWordsPage: Sendable {
    public static let template = "watched-words"

    public struct Line: Sendable {
        public let id: Int64
        public let label: String
        public let action: String
        public let language: String
        public let replacement: String?
    }

    public let page: PageChrome
    public let words: [Line]
    public let hasWords: Bool
    /// What was typed, given back whole when the word was refused, so nothing needs choosing again.
    public let pattern: String
    public let isRegex: Bool
    /// Named apart from each line's `replacement`, which Mustache would otherwise find here for lines without one.
    public let draftReplacement: String
    public let actions: [FormOption]
    public let languages: [FormOption]

    public init(
        page: PageChrome, words: [WatchedWord], draft: NewWatchedWord?, localization: Localization, language: Language
    ) {
        self.page = page
        self.words = words.map { word in
            Line(
                id: word.id.rawValue, label: word.label,
                action: localization.text("words_action_\(word.action.rawValue)", language, [:]),
                language: localization.text("words_language_\(word.language ?? "all")", language, [:]),
                replacement: word.action == .replace ? word.replacement : nil)
        }
        self.hasWords = !words.isEmpty
        self.pattern = draft?.pattern ?? ""
        self.isRegex = draft?.isRegex ?? false
        self.draftReplacement = draft?.replacement ?? ""
        let chosenAction = draft?.action ?? .flag
        self.actions = WatchedWord.Action.allCases.map {
            FormOption(
                value: $0.rawValue, label: localization.text("words_action_\($0.rawValue)", language, [:]),
                selected: $0 == chosenAction)
        }
        let chosenLanguage = draft?.language ?? ""
        self.languages = ["", "en", "fr"].map {
            FormOption(
                value: $0, label: localization.text("words_language_\($0.isEmpty ? "all" : $0)", language, [:]),
                selected: $0 == chosenLanguage)
        }
    }
}

/// The morning view (`/review/overnight`): what came in while the community manager was away.
public struct OvernightPage: Sendable {
    public static let template = "overnight"

    public struct Heated: Sendable {
        public let title: String
        public let url: String
        public let reasons: [String]
    }

    public let page: PageChrome
    public let since: String
    public let sinceISO: String
    public let items: [ReviewQueuePage.Case]
    public let heated: [Heated]
    public let acts: [ModerationLogPage.Entry]
    /// Mustache sees stored properties only.
    public let hasItems: Bool
    public let hasHeated: Bool
    public let hasActs: Bool
    public let quiet: Bool

    public init(page: PageChrome, night: Overnight, localization: Localization, language: Language, now: Date) {
        self.page = page
        self.since = Localization.date(night.since, language)
        self.sinceISO = Localization.isoDate(night.since)
        self.items = night.items.map {
            ReviewQueuePage.item($0, localization: localization, language: language, now: now)
        }
        self.heated = night.heated.map {
            Heated(
                title: $0.topic.title, url: Paths.topic($0.topic),
                reasons: $0.heat.reasons.map { localization.message($0, language) })
        }
        self.acts = night.delegateActs.map { ModerationLogPage.entry($0, system: "", language: language) }
        self.hasItems = !items.isEmpty
        self.hasHeated = !heated.isEmpty
        self.hasActs = !acts.isEmpty
        self.quiet = items.isEmpty && heated.isEmpty && acts.isEmpty
    }
}

/// The public moderation log (`/modlog`), when the community publishes it: what was done and why.
public struct PublicLogPage: Sendable {
    public static let template = "modlog"

    public struct Line: Sendable {
        public let action: String
        public let target: String
        public let reason: String
        public let date: String
        public let dateISO: String
    }

    public let page: PageChrome
    public let entries: [Line]
    public let nextURL: String?

    public init(page: PageChrome, entries: [PublicLogEntry], localization: Localization, language: Language) {
        self.page = page
        self.entries = entries.map { entry in
            // Act names and the community's own reasons are English words from Core; the catalog says them in French.
            Line(
                action: localization.message(entry.action, language),
                target: localization.text("modlog_target_\(entry.target.rawValue)", language, [:]),
                reason: localization.message(entry.reason, language),
                date: Localization.date(entry.createdAt, language), dateISO: Localization.isoDate(entry.createdAt))
        }
        self.nextURL = entries.count == 50 ? entries.last.map { "/modlog?cursor=\($0.id)" } : nil
    }
}
