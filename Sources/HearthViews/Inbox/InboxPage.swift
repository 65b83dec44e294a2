import Foundation
import HearthCore

/// The priority inbox (`/inbox`): what deserves attention now, best first, each item saying why, with its
/// thread around it and the actions, usable from the keyboard and without JavaScript.
public struct InboxPage: Sendable {
    public static let template = "inbox"

    public struct Entry: Sendable {
        public let id: Int64
        /// "Heated topic", "Flagged profile"; none for a post, whose topic's title says enough.
        public let kindLabel: String?
        public let reasons: [Reason]
        public let age: String
        public let ageISO: String
        public let authorName: String?
        public let authorURL: String?
        public let newcomer: Bool
        public let topicTitle: String?
        public let threadURL: String?
        public let postHTML: String?
        /// An outside item's text, and where it is on its site ("Open on Mastodon").
        public let outsideText: String?
        public let siteURL: String?
        public let siteLabel: String?
        public let before: ContextLine?
        public let after: ContextLine?
        public let assignedTo: String?
        public let snoozedUntil: String?
        /// A thread to reply in: a post's or a heated topic's.
        public let canReply: Bool
        public let quotable: Bool
        /// The reply that came back with a mistake, kept in its field.
        public let replyDraft: String
        /// "Reply in the thread", or "Answer on Mastodon" for an outside item.
        public let replyLabel: String
        public let sendLabel: String
        /// Why the last answer to an outside item did not go.
        public let answerError: String?
        /// A Mastodon post can be boosted from the brand's account.
        public let canBoost: Bool
        public let boostLabel: String
        /// Flags, holds and fires are decided in the review queue.
        public let reviewURL: String?
        public let score: String
    }

    public struct Reason: Sendable {
        public let text: String
        /// "up" or "down", for the mark beside it.
        public let direction: String
        public let down: Bool
    }

    public struct ContextLine: Sendable {
        public let authorName: String
        public let excerpt: String
    }

    public let page: PageChrome
    public let items: [Entry]
    public let hasItems: Bool
    public let nextURL: String?
    public let assignees: [FormOption]
    /// When "tomorrow morning" is, in words and for the date field's minimum.
    public let morning: String
    /// Says which day "tomorrow morning" is (on a Friday evening, Monday's).
    public let morningNote: String
    public let minimumSnooze: String
    public let mine: Bool
    public let allURL: String
    public let mineURL: String
    public let script: String = Asset.keysScript.path

    public init(
        page: PageChrome, entries: [InboxEntry], next: InboxCursor?, mine: Bool, draft: (Int64, String)? = nil,
        assignees: [MemberSummary],
        morning: Date, localization: Localization, language: Language, now: Date
    ) {
        self.page = page
        self.items = entries.map {
            Self.entry(
                $0, draft: draft?.0 == $0.item.id.rawValue ? draft?.1 ?? "" : "", localization: localization,
                language: language, now: now)
        }
        self.hasItems = !items.isEmpty
        self.nextURL = next.map { "/inbox?cursor=\($0.token)" + (mine ? "&mine=1" : "") }
        self.assignees = assignees.map {
            FormOption(value: String($0.id.rawValue), label: $0.displayName + " (@" + $0.handle + ")", selected: false)
        }
        self.morning = Localization.date(morning, language)
        self.morningNote = localization.text("inbox_morningNote", language, ["date": self.morning])
        // The field is read in UTC, as its label says.
        self.minimumSnooze = String(Localization.isoDate(now.addingTimeInterval(60)).prefix(16))
        self.mine = mine
        self.allURL = "/inbox"
        self.mineURL = "/inbox?mine=1"
    }

    static func entry(
        _ entry: InboxEntry, draft: String, localization: Localization, language: Language, now: Date
    ) -> Entry {
        let item = entry.item
        let text = { (key: String, values: [String: String]) in localization.text(key, language, values) }
        // The post's own age (an imported post came into the inbox today but was written long ago).
        let written = entry.post?.createdAt ?? item.createdAt
        let waited = Localization.duration(max(0, Int(now.timeIntervalSince(written))), language)
        let reasons = item.reasons.map { reason in
            var words = localization.message(reason.text, language)
            if [.newcomerQuestion, .question, .waiting, .unanswered].contains(reason.code) {
                words += " " + text("inbox_for", ["age": waited])
            }
            return Reason(text: words, direction: reason.raises ? "up" : "down", down: !reason.raises)
        }
        let line = { (post: Post) in
            ContextLine(
                authorName: post.author.displayName, excerpt: MarkdownExcerpt.make(post.body, maximumLength: 200))
        }
        if let outside = item.facts.outside {
            return outsideEntry(
                item, outside, reasons: reasons, draft: draft, localization: localization,
                language: language, now: now)
        }
        let threadURL: String? = entry.topic.map { topic in
            entry.post.map { "/t/\(topic.id.rawValue)?post=\($0.number)#p\($0.number)" } ?? "/t/\(topic.id.rawValue)"
        }
        return Entry(
            id: item.id.rawValue, kindLabel: item.kind == .post ? nil : text("inbox_kind_\(item.kind.rawValue)", [:]),
            reasons: reasons,
            age: waited, ageISO: Localization.isoDate(written),
            authorName: item.author?.displayName, authorURL: item.author.map { Paths.member($0.handle) },
            newcomer: item.facts.newcomer, topicTitle: entry.topic?.title, threadURL: threadURL,
            postHTML: entry.post?.html, outsideText: nil, siteURL: nil, siteLabel: nil, before: entry.before.map(line),
            after: entry.after.map(line), assignedTo: assigned(item, text),
            snoozedUntil: snoozed(item, text, now, language),
            canReply: entry.topic != nil && entry.topic?.closedAt == nil, quotable: entry.post != nil,
            replyDraft: draft, replyLabel: text("inbox_reply", [:]), sendLabel: text("inbox_send", [:]),
            answerError: nil, canBoost: false, boostLabel: "",
            reviewURL: item.facts.review.isEmpty && item.kind != .heated ? nil : "/review",
            score: String(format: "%.1f", item.score))
    }

    /// Something said elsewhere: its source, its words, a link to it there, and an answer in place when the
    /// source takes one.
    static func outsideEntry(
        _ item: InboxItem, _ outside: OutsideRef, reasons: [Reason], draft: String,
        localization: Localization, language: Language, now: Date
    ) -> Entry {
        let text = { (key: String, values: [String: String]) in localization.text(key, language, values) }
        let source = ["source": outside.sourceName]
        // Written there before it came in: its age is the source's.
        let written = min(outside.publishedAt ?? item.createdAt, item.createdAt)
        let age = Localization.duration(max(0, Int(now.timeIntervalSince(written))), language)
        return Entry(
            id: item.id.rawValue, kindLabel: text("inbox_kind_outside", source), reasons: reasons,
            age: age,
            ageISO: Localization.isoDate(written), authorName: outside.author, authorURL: nil,
            newcomer: false, topicTitle: outside.title.isEmpty ? nil : outside.title, threadURL: nil, postHTML: nil,
            outsideText: outside.excerpt,
            // Only a web address is a link: a feed's "javascript:" or relative link is not followed from here.
            siteURL: outside.url.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil },
            siteLabel: text("inbox_openOnSite", source),
            before: nil, after: nil, assignedTo: assigned(item, text), snoozedUntil: snoozed(item, text, now, language),
            canReply: outside.canAnswer, quotable: false, replyDraft: draft,
            replyLabel: text("inbox_answerThere", source), sendLabel: text("inbox_sendThere", source),
            answerError: outside.answerError.map {
                text("inbox_answerFailed", ["reason": localization.message($0, language)])
            },
            canBoost: outside.canAnswer && outside.sourceKind == Source.Kind.mastodon.rawValue,
            boostLabel: text("inbox_boost", source),
            reviewURL: nil, score: String(format: "%.1f", item.score))
    }

    private static func assigned(_ item: InboxItem, _ text: (String, [String: String]) -> String) -> String? {
        item.assignedTo.map { text("inbox_assignedTo", ["name": $0.displayName]) }
    }

    private static func snoozed(
        _ item: InboxItem, _ text: (String, [String: String]) -> String, _ now: Date, _ language: Language
    ) -> String? {
        item.snoozedUntil.flatMap {
            $0 > now ? text("inbox_snoozedUntil", ["date": Localization.date($0, language)]) : nil
        }
    }
}
