import Foundation
import HearthCore

/// The review queue (`/review`): each item with its post in context, the reasons, the author's history and the
/// actions, usable from the keyboard (see `Assets/keys.js`) and without JavaScript.
public struct ReviewQueuePage: Sendable {
    public static let template = "review"

    public struct Case: Sendable {
        public let id: Int64
        public let kindLabel: String
        public let reasons: [String]
        public let age: String
        public let ageISO: String
        public let postURL: String?
        public let topicTitle: String?
        public let authorName: String?
        public let authorURL: String?
        /// The post's HTML, rendered by SafeMarkdown when it was written.
        public let postHTML: String?
        public let postState: String?
        public let context: [ContextLine]
        public let history: String?
        public let penalties: [String]
        public let suggestion: String?
        public let claimedBy: String?
        public let canApprove: Bool
        /// Hide and delete act on posts; a profile or a heated topic is kept, ignored or deferred.
        public let canHide: Bool
        /// "Ignore flags" means nothing for a post held before anyone flagged it: approve, hide or delete it.
        public let canIgnore: Bool
        public let approveLabel: String
        public let editURL: String?
        public let penaltyURL: String?
        public let hasPenalties: Bool
    }

    public struct ContextLine: Sendable {
        public let authorName: String
        public let excerpt: String
    }

    public let page: PageChrome
    public let items: [Case]
    public let nextURL: String?
    public let script: String
    public let actionURL: String
    /// Mustache sees stored properties only.
    public let hasItems: Bool

    public init(
        page: PageChrome, cases: [ReviewCase], next: ReviewCursor?, localization: Localization, language: Language,
        now: Date
    ) {
        self.page = page
        self.items = cases.map { Self.item($0, localization: localization, language: language, now: now) }
        self.hasItems = !items.isEmpty
        self.nextURL = next.map { "/review?cursor=\($0.token)" }
        self.script = Asset.keysScript.path
        self.actionURL = "/review"
    }

    static func item(_ reviewCase: ReviewCase, localization: Localization, language: Language, now: Date) -> Case {
        let item = reviewCase.item
        let text = { (key: String, values: [String: String]) in localization.text(key, language, values) }
        var history: String?
        var penalties: [String] = []
        var suggestion: String?
        if let record = reviewCase.authorHistory {
            history = text(
                "review_history",
                [
                    "joined": Localization.date(record.joinedAt, language), "posts": String(record.posts),
                ])
            penalties = record.penalties.map { penalty in
                var line =
                    text("penalty_\(penalty.kind.rawValue)", [:]) + " · "
                    + Localization.date(penalty.createdAt, language)
                if let end = penalty.endsAt { line += " → " + Localization.date(end, language) }
                return line + " · " + penalty.reason
            }
            let next = Penalty.suggestion(after: record.penalties)
            suggestion = text(
                "review_suggestion",
                [
                    "penalty": text("penalty_\(next.kind.rawValue)", [:]),
                    "length": next.seconds.map { Localization.duration($0, language) } ?? "",
                ])
        }
        return Case(
            id: item.id.rawValue, kindLabel: text("review_kind_\(item.kind.rawValue)", [:]),
            // The community's own reasons are English words from Core; the catalog says them in French.
            reasons: item.reasons.map { localization.message($0, language) },
            age: Localization.duration(max(0, Int(now.timeIntervalSince(item.createdAt))), language),
            ageISO: Localization.isoDate(item.createdAt),
            postURL: reviewCase.post.map { "/t/\($0.topicID.rawValue)?post=\($0.number)#p\($0.number)" },
            topicTitle: reviewCase.topic?.title, authorName: reviewCase.author?.displayName,
            authorURL: reviewCase.author.map { Paths.member($0.handle) },
            postHTML: reviewCase.post.map(\.html),
            postState: reviewCase.post.map { post in
                // A held post now visible was let through: "held · visible" would read as a contradiction.
                post.isDeleted
                    ? text("review_state_deleted", [:])
                    : item.kind == .heldPost && post.moderation == .visible
                        ? text("review_state_approved", [:]) : text("review_state_\(post.moderation.rawValue)", [:])
            },
            context: reviewCase.context.suffix(3).map {
                ContextLine(
                    authorName: $0.author.displayName, excerpt: MarkdownExcerpt.make($0.body, maximumLength: 200))
            },
            history: history, penalties: penalties, suggestion: suggestion,
            claimedBy: item.claimedBy.map { text("review_claimedBy", ["name": $0.displayName]) },
            canApprove: true, canHide: item.kind != .flaggedProfile && item.kind != .heatedTopic,
            canIgnore: item.kind != .heldPost,
            approveLabel: text(
                item.kind == .heatedTopic
                    ? "review_letTalk" : item.kind == .heldPost ? "review_approve" : "review_keep", [:]),
            editURL: item.kind == .heatedTopic ? nil : reviewCase.post.map { "/p/\($0.id.rawValue)/edit" },
            penaltyURL: reviewCase.author.map { Paths.member($0.handle) + "#penalties" },
            hasPenalties: !penalties.isEmpty)
    }
}

/// The audit log for staff (`/moderation-log`).
public struct ModerationLogPage: Sendable {
    public static let template = "moderation-log"

    public struct Entry: Sendable {
        public let actor: String
        /// The delegated role the act was done under.
        public let roleName: String?
        public let action: String
        public let target: String
        /// Where the thing acted on can be opened, when it is a page: a post, a topic, a feedback item.
        public let targetURL: String?
        public let reason: String
        public let before: String?
        public let after: String?
        public let date: String
        public let dateISO: String
    }

    /// What the filter's fields hold, as typed.
    public struct Filter: Sendable {
        public let action: String
        /// Who acted, by handle.
        public let by: String
        /// Whom the acts were about, by handle.
        public let about: String
        /// The last day shown, YYYY-MM-DD.
        public let until: String

        public init(action: String, by: String, about: String, until: String) {
            self.action = action
            self.by = by
            self.about = about
            self.until = until
        }

        /// The filter as a query's parameters, each starting with "&".
        var query: String {
            [("action", action), ("by", by), ("about", about), ("until", until)].filter { !$0.1.isEmpty }.map {
                "&\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }.joined()
        }
    }

    public let page: PageChrome
    public let entries: [Entry]
    public let hasEntries: Bool
    /// Whether any filter is on: an empty list then says that nothing matches, not that nothing was logged.
    public let filtered: Bool
    public let nextURL: String?
    public let filter: Filter

    public init(page: PageChrome, entries: [ModerationLogEntry], filter: Filter, system: String, language: Language) {
        self.page = page
        self.entries = entries.map { Self.entry($0, system: system, language: language) }
        hasEntries = !entries.isEmpty
        filtered = !filter.query.isEmpty
        self.nextURL =
            entries.count == 50 ? entries.last.map { "/moderation-log?cursor=\($0.id)" + filter.query } : nil
        self.filter = filter
    }

    static func entry(_ entry: ModerationLogEntry, system: String, language: Language) -> Entry {
        Entry(
            actor: entry.actor?.displayName ?? system, roleName: entry.roleName, action: entry.action,
            target: Self.target(entry), targetURL: Self.url(entry.target, entry.targetID),
            reason: entry.reason, before: entry.textBefore,
            after: entry.textAfter, date: Localization.date(entry.createdAt, language),
            dateISO: Localization.isoDate(entry.createdAt))
    }
}

extension ModerationLogPage {
    /// What an act was on, by its name when it has one: "post #159 · Tubeless tyres?", "member #53 · Marc Dupont
    /// (@marc_dupont)"; its kind and number alone when it has none, or is gone.
    static func target(_ entry: ModerationLogEntry) -> String {
        let kind = "\(entry.target.rawValue.replacingOccurrences(of: "_", with: " ")) #\(entry.targetID)"
        return entry.targetName.map { "\(kind) · \($0)" } ?? kind
    }

    static func url(_ target: ModerationLogEntry.Target, _ id: Int64) -> String? {
        switch target {
        case .post: "/p/\(id)"
        case .topic: "/t/\(id)"
        case .feedback: "/feedback/\(id)"
        default: nil
        }
    }
}

/// The community's guidelines (`/guidelines`), with the form to edit them for the community manager.
public struct GuidelinesPage: Sendable {
    public static let template = "guidelines"
    public let page: PageChrome
    public let html: String
    public let canEdit: Bool
    public let body: String
    public let language: String

    public init(page: PageChrome, markdown: String, canEdit: Bool, language: Language) {
        self.page = page
        self.html = SafeMarkdown().render(markdown)
        self.canEdit = canEdit
        self.body = markdown
        self.language = language.rawValue
    }
}
