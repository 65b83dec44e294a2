import Foundation

/// Marker for `Identifier<InboxItem>`.
public typealias InboxItemID = Identifier<InboxItem>

/// One thing in the priority inbox: a post that deserves attention (a question nobody answered, a bug report, a
/// suggestion, a fair complaint, a mention, a flag), a heated topic or a flagged profile, with its rank and why.
public struct InboxItem: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case post
        case heated
        case profile
        /// Something said about the brand elsewhere: a feed, another forum, Mastodon, the mailbox.
        case outside
    }

    /// Open items are listed (unless snoozed); the others were decided, or their post went away.
    public enum State: String, Sendable, Codable {
        case open
        case handled
        case ignored
        /// An answered question, or a post deleted or hidden since: out of the inbox by itself.
        case closed
    }

    public let id: InboxItemID
    public let kind: Kind
    public let postID: PostID?
    public let topicID: TopicID?
    public let categoryID: CategoryID?
    /// The post's author, or the flagged member.
    public let author: MemberSummary?
    public var facts: InboxFacts
    public var score: Double
    public var reasons: [InboxReason]
    public let createdAt: Date
    public var state: State
    public var snoozedUntil: Date?
    public var assignedTo: MemberSummary?
    /// Who decided last, what, and when.
    public var decidedBy: MemberSummary?
    public var decision: InboxAction?
    public var decidedAt: Date?

    public init(
        id: InboxItemID, kind: Kind, postID: PostID?, topicID: TopicID?, categoryID: CategoryID?,
        author: MemberSummary?, facts: InboxFacts, score: Double, reasons: [InboxReason], createdAt: Date,
        state: State = .open, snoozedUntil: Date? = nil, assignedTo: MemberSummary? = nil,
        decidedBy: MemberSummary? = nil, decision: InboxAction? = nil, decidedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.postID = postID
        self.topicID = topicID
        self.categoryID = categoryID
        self.author = author
        self.facts = facts
        self.score = score
        self.reasons = reasons
        self.createdAt = createdAt
        self.state = state
        self.snoozedUntil = snoozedUntil
        self.assignedTo = assignedTo
        self.decidedBy = decidedBy
        self.decision = decision
        self.decidedAt = decidedAt
    }

    /// The reasons as a reader sees them at `now`: an unanswered question says for how long.
    public func explained(at now: Date) -> [InboxReason] {
        let age = Self.age(from: createdAt, to: now)
        return reasons.map { reason in
            var reason = reason
            switch reason.code {
            case .newcomerQuestion, .question, .waiting, .unanswered: reason.text += " for \(age)"
            default: break
            }
            return reason
        }
    }

    /// "40 min", "6 h", "3 days".
    public static func age(from start: Date, to end: Date) -> String {
        let minutes = max(0, Int(end.timeIntervalSince(start) / 60))
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h" }
        return "\(minutes / 1_440) days"
    }
}

/// What someone does to an inbox item.
public enum InboxAction: String, Sendable, Codable, CaseIterable {
    /// Dealt with: out of the inbox.
    case handled
    /// Out of sight until a time.
    case snooze
    /// "Troll: let it be": out of the inbox, the post untouched.
    case ignore
    /// Kept up the list.
    case pertinent
    /// Given to a moderator or a delegate, who sees it in their own inbox.
    case assign
    /// Answered from the inbox: posted in the thread, and handled.
    case replied

    /// What the engine's community layer learns from it: 1 pertinent (kept up, given to someone, answered), 0
    /// not ("troll: let it be"), nil nothing.
    public var pertinenceLabel: Int? {
        switch self {
        case .pertinent, .assign, .replied: 1
        case .ignore: 0
        // "Done" and "later" say nothing of the post: clearing noise must not teach that noise matters.
        case .handled, .snooze: nil
        }
    }

    /// "marked it handled", for the one who comes second.
    public var pastTense: String {
        switch self {
        case .handled: "marked it handled"
        case .snooze: "snoozed it"
        case .ignore: "let it be as a troll"
        case .pertinent: "marked it pertinent"
        case .assign: "assigned it"
        case .replied: "replied to it"
        }
    }
}

/// A decision on an inbox item, as stored.
public struct InboxDecision: Sendable {
    public var itemID: InboxItemID
    public var action: InboxAction
    public var by: MemberID
    public var until: Date?
    public var assignee: MemberID?
    /// Who keeps it up (pertinent), ranked again with it from the facts as they stand when it is stored.
    public var keptBy: String?
    /// The label the engine's community layer learns, when the item is a post.
    public var label: EngineLabel?

    public init(
        itemID: InboxItemID, action: InboxAction, by: MemberID, until: Date? = nil, assignee: MemberID? = nil,
        keptBy: String? = nil, label: EngineLabel? = nil
    ) {
        self.itemID = itemID
        self.action = action
        self.by = by
        self.until = until
        self.assignee = assignee
        self.keptBy = keptBy
        self.label = label
    }
}

/// Where a page of the inbox ends: the last item's score and id.
public struct InboxCursor: Sendable, Equatable {
    public var score: Double
    public var id: InboxItemID

    public init(score: Double, id: InboxItemID) {
        self.score = score
        self.id = id
    }

    /// "score_id", opaque to clients.
    public var token: String { "\(score)_\(id.rawValue)" }

    /// Reads a token, refusing one that is not (as `ReviewCursor` does).
    public init(token: String) throws {
        let parts = token.split(separator: "_")
        guard parts.count == 2, let score = Double(parts[0]), score.isFinite, let id = Int64(parts[1]) else {
            throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
        }
        self.init(score: score, id: InboxItemID(id))
    }
}

/// Which items a viewer's inbox lists.
public struct InboxScope: Sendable, Equatable {
    /// nil: every category (staff); otherwise the categories their grants cover now.
    public var categories: Set<CategoryID>?
    /// Items assigned to this member are listed whatever their category.
    public var memberID: MemberID
    /// Only the items assigned to them.
    public var assignedOnly: Bool

    public init(categories: Set<CategoryID>?, memberID: MemberID, assignedOnly: Bool = false) {
        self.categories = categories
        self.memberID = memberID
        self.assignedOnly = assignedOnly
    }
}
