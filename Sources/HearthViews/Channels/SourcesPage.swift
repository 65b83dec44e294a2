import Foundation
import HearthCore

/// The outside sources (`/admin/sources`): each source with its health in words, poll now, change, remove; a form
/// to add one; a webhook source's address and, once, its secret.
public struct SourcesPage: Sendable {
    public static let template = "admin-sources"

    public struct Row: Sendable {
        public let id: Int64
        public let name: String
        public let kind: String
        public let url: String?
        public let hookURL: String?
        public let keywords: String
        public let keywordsText: String
        public let intervalMinutes: Int
        /// "every 15 minutes", for the facts.
        public let interval: String
        public let enabled: Bool
        /// "Read it (untick to pause)", or "Take posts" for a webhook.
        public let enabledLabel: String
        public let isWebhook: Bool
        /// The change form comes back open, with what was typed, when it was refused.
        public let editing: Bool
        public let disabled: Bool
        public let polls: Bool
        /// "Read it now" is offered for a source that is read and not paused.
        public let canPoll: Bool
        /// "ok", "failing" or "waiting", for the mark beside the words.
        public let state: String
        public let failing: Bool
        public let health: String
        public let lastError: String?
        public let credentials: String?
        public let credentialFields: [CredentialField]
        public let removeConfirm: String
        public let answers: [Answer]
        public let hasAnswers: Bool
        /// A Mastodon account can post the community's announcements.
        public let canAnnounce: Bool
        public let announce: Bool
        public let announcements: [Answer]
        public let hasAnnouncements: Bool
    }

    public struct CredentialField: Sendable {
        public let name: String
        public let label: String
        public let kept: Bool
        public let secret: Bool
    }

    public struct Answer: Sendable {
        public let title: String
        public let author: String
        public let date: String
        public let state: String
        public let url: String?
        public let failed: Bool
    }

    public let page: PageChrome
    public let nav: ConsoleNav
    public let rows: [Row]
    public let hasRows: Bool
    public let kinds: [FormOption]
    public let intervals: [FormOption]
    public let newFields: [CredentialField]
    /// A webhook source just made: where to post, and its secret, shown this once.
    public let createdHook: String?
    public let createdSecret: String?
    public let draftName: String
    public let draftURL: String
    public let draftKeywords: String

    public init(
        page: PageChrome, sources: [Source], answers: [SourceID: [OutsideAnswer]],
        announcements: [SourceID: [OutwardPost]],
        hookURL: (SourceID) -> String, created: (hook: String, secret: String)?, draft: SourceInput?,
        editing: (SourceID, SourceInput)? = nil, localization: Localization, language: Language, now: Date
    ) {
        self.page = page
        self.nav = ConsoleNav(current: "sources", localization: localization, language: language)
        let text = { (key: String, values: [String: String]) in localization.text(key, language, values) }
        self.rows = sources.map { shown in
            // A refused change comes back as it was typed.
            var source = shown
            let typed = editing?.0 == shown.id ? editing?.1 : nil
            if let typed {
                source.name = typed.name ?? source.name
                source.url = typed.url ?? source.url
                source.keywords = typed.keywords?.map { $0.trimmingCharacters(in: .whitespaces) } ?? source.keywords
                source.intervalSeconds = typed.intervalSeconds ?? source.intervalSeconds
                source.enabled = typed.enabled ?? source.enabled
                source.announce = typed.announce ?? source.announce
            }
            return Row(
                id: source.id.rawValue, name: source.name, kind: text("sources_kind_\(source.kind.rawValue)", [:]),
                url: typed?.url ?? source.shownURL, hookURL: source.kind == .webhook ? hookURL(source.id) : nil,
                keywords: source.keywords.isEmpty
                    ? text("sources_everything", [:]) : source.keywords.joined(separator: ", "),
                keywordsText: source.keywords.joined(separator: ", "), intervalMinutes: source.intervalSeconds / 60,
                interval: Self.every(source.intervalSeconds, text: text, language: language),
                enabled: source.enabled,
                enabledLabel: text(source.kind == .webhook ? "sources_enabledHook" : "sources_enabled", [:]),
                isWebhook: source.kind == .webhook, editing: typed != nil, disabled: !source.enabled,
                polls: source.kind.polls, canPoll: source.kind.polls && source.enabled,
                state: source.health.state, failing: source.health.lastError != nil,
                health: Self.health(source, text: text, language: language, now: now),
                lastError: source.health.lastError.map { localization.message($0, language) },
                credentials: source.credentialNames.filter { $0 != "secret" }.isEmpty
                    ? nil
                    : source.credentialNames.filter { $0 != "secret" }.map { text("sources_credential_\($0)", [:]) }
                        .joined(separator: ", "),
                credentialFields: Self.fields(source.kind.credentialNames, kept: source.credentialNames, text: text),
                removeConfirm: text("sources_removeConfirm", ["name": source.name]),
                answers: (answers[source.id] ?? []).map { answer in
                    Answer(
                        title: answer.entry.title.isEmpty ? String(answer.entry.text.prefix(60)) : answer.entry.title,
                        author: answer.authorName, date: Localization.date(answer.sentAt ?? now, language),
                        state: answer.sentAt != nil
                            ? text(answer.isBoost ? "sources_boosted" : "sources_answerSent", [:])
                            : answer.lastError.map { localization.message($0, language) }
                                ?? text("sources_answerQueued", [:]),
                        url: answer.sentAt == nil
                            ? nil : (answer.sentURL ?? answer.entry.url).map(Source.hidingSecrets),
                        failed: answer.lastError != nil)
                }, hasAnswers: !(answers[source.id] ?? []).isEmpty, canAnnounce: source.kind == .mastodon,
                announce: source.announce,
                announcements: (announcements[source.id] ?? []).map { post in
                    Answer(
                        title: post.title, author: "", date: Localization.date(post.sentAt ?? now, language),
                        state: post.sentAt != nil
                            ? text("sources_answerSent", [:])
                            : post.lastError.map { localization.message($0, language) }
                                ?? text("sources_answerQueued", [:]),
                        url: post.sentURL, failed: post.lastError != nil)
                }, hasAnnouncements: !(announcements[source.id] ?? []).isEmpty)
        }
        self.hasRows = !rows.isEmpty
        let chosen = draft?.kind ?? .feed
        self.kinds = Source.Kind.allCases.map {
            FormOption(value: $0.rawValue, label: text("sources_kind_\($0.rawValue)", [:]), selected: $0 == chosen)
        }
        let interval = (draft?.intervalSeconds ?? SourceService.defaultInterval) / 60
        self.intervals = [1, 5, 15, 30, 60, 180, 720, 1_440].map {
            FormOption(
                value: String($0 * 60), label: Localization.duration($0 * 60, language), selected: $0 == interval)
        }
        self.newFields = Self.fields(Source.Kind.credentialFields, kept: [], text: text, forKinds: true)
        self.createdHook = created?.hook
        self.createdSecret = created?.secret
        self.draftName = draft?.name ?? ""
        // What was typed comes back, but never a password written into it.
        self.draftURL = draft?.url.map(Source.withoutUserInfo) ?? ""
        self.draftKeywords = draft?.keywords?.joined(separator: ", ") ?? ""
    }

    /// "every 15 minutes"; "every hour" rather than "every 1 hour" (French: "toutes les heures").
    static func every(_ seconds: Int, text: (String, [String: String]) -> String, language: Language) -> String {
        switch seconds {
        case 60: text("sources_everyMinute", [:])
        case 3_600: text("sources_everyHour", [:])
        case 86_400: text("sources_everyDay", [:])
        default: text("sources_every", ["duration": Localization.duration(seconds, language)])
        }
    }

    /// The credential fields; on the form that adds a source, each says which kinds use it.
    static func fields(
        _ names: [String], kept: [String], text: (String, [String: String]) -> String, forKinds: Bool = false
    ) -> [CredentialField] {
        names.map {
            CredentialField(
                name: $0,
                label: text("sources_credential_\($0)", [:]) + (forKinds ? " " + text("sources_for_\($0)", [:]) : ""),
                kept: kept.contains($0), secret: $0 != "username")
        }
    }

    /// "Read 5 min ago; 12 items came in." / "Failing since …: the error; next try in 2 h." / "Not read yet."
    static func health(
        _ source: Source, text: (String, [String: String]) -> String, language: Language, now: Date
    ) -> String {
        let health = source.health
        func ago(_ date: Date) -> String { Localization.duration(max(0, Int(now.timeIntervalSince(date))), language) }
        var words: [String] = []
        if !source.enabled { words.append(text("sources_paused", [:])) }
        let count = ["count": String(health.itemsCount)]
        let items = text(health.itemsCount == 1 ? "sources_items_one" : "sources_items", count)
        if !source.kind.polls {
            words.append(
                health.lastSuccessAt.map { text("sources_lastPost", ["age": ago($0)]) } ?? text("sources_noPost", [:]))
            words.append(items)
            return words.joined(separator: " ")
        }
        if let success = health.lastSuccessAt {
            words.append(text("sources_lastSuccess", ["age": ago(success)]))
            words.append(items)
        } else if health.lastPolledAt == nil {
            // Never read: its first reading is queued, or about to be.
            words.append(text("sources_neverRead", [:]))
            return words.joined(separator: " ")
        }
        if health.lastError != nil {
            words.append(
                text(
                    health.failures == 1 ? "sources_failures_one" : "sources_failures",
                    ["count": String(health.failures)]))
        }
        if source.enabled, let next = health.nextPollAt, next > now {
            words.append(
                text("sources_nextPoll", ["in": Localization.duration(Int(next.timeIntervalSince(now)), language)]))
        }
        return words.joined(separator: " ")
    }
}
