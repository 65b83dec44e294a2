import Foundation

/// A flag about to be recorded.
public struct NewFlag: Sendable, Equatable {
    public var postID: PostID
    public var reporterID: MemberID
    public var reason: FlagReason
    public var message: String?
    public var weight: Double

    public init(postID: PostID, reporterID: MemberID, reason: FlagReason, message: String?, weight: Double) {
        self.postID = postID
        self.reporterID = reporterID
        self.reason = reason
        self.message = message
        self.weight = weight
    }
}

/// What recording a flag led to.
public struct FlagOutcome: Sendable, Equatable {
    public let flag: PostFlag
    /// The sum of the post's open flags' weights, this one included.
    public let totalWeight: Double
    /// Whether the flags hid the post just now.
    public let hidPost: Bool
    public let item: ReviewItem

    public init(flag: PostFlag, totalWeight: Double, hidPost: Bool, item: ReviewItem) {
        self.flag = flag
        self.totalWeight = totalWeight
        self.hidPost = hidPost
        self.item = item
    }
}

/// A review item about to be opened (or, when one is open for the same thing, merged into it).
public struct NewReviewItem: Sendable, Equatable {
    public var kind: ReviewItem.Kind
    public var postID: PostID?
    public var memberID: MemberID?
    public var reasons: [String]
    public var score: Double
    /// The topic a heated-topic item is about: one open item per topic, whichever reply tipped it over.
    public var topicID: TopicID?

    public init(
        kind: ReviewItem.Kind, postID: PostID?, memberID: MemberID?, reasons: [String], score: Double,
        topicID: TopicID? = nil
    ) {
        self.kind = kind
        self.topicID = topicID
        self.postID = postID
        self.memberID = memberID
        self.reasons = reasons
        self.score = score
    }

    /// The key of the other item the same post could have open: members' flags and the engine's flag on one post
    /// are one thing to review, not two lines in the queue.
    public var siblingKey: String? {
        let other: ReviewItem.Kind
        switch kind {
        case .flaggedPost: other = .engineFlag
        case .engineFlag: other = .flaggedPost
        default: return nil
        }
        return NewReviewItem(kind: other, postID: postID, memberID: memberID, reasons: [], score: 0).openKey
    }

    /// A reason the engine or the watched words gave, as opposed to members' flags.
    public static func isEngineReason(_ reason: String) -> Bool {
        reason.hasPrefix("toxicity") || reason.hasPrefix("reads as a threat") || reason.hasPrefix("watched word")
    }

    /// One open item per thing to review.
    public var openKey: String {
        "\(kind.rawValue):"
            + (topicID.map { "t\($0.rawValue)" } ?? postID.map { "p\($0.rawValue)" } ?? memberID.map {
                "m\($0.rawValue)"
            }
                ?? "-")
    }
}

/// A decision on a review item, applied in one transaction with its effects and its log line.
public struct ReviewDecision: Sendable, Equatable {
    public var itemID: ReviewItemID
    public var moderatorID: MemberID
    public var outcome: ReviewItem.Outcome
    /// The post's state afterwards, when the decision changes it.
    public var postState: PostModeration?
    /// Delete the post (soft, as its author would).
    public var deletePost: Bool
    /// Staff agreed with the flags (true), disagreed (false), or did not judge them (nil).
    public var flagsAgreed: Bool?
    public var log: NewLogEntry
    /// What the decision teaches the triage engine, recorded with it (none for an ignore).
    public var label: EngineLabel?

    public init(
        itemID: ReviewItemID, moderatorID: MemberID, outcome: ReviewItem.Outcome, postState: PostModeration?,
        deletePost: Bool, flagsAgreed: Bool?, log: NewLogEntry, label: EngineLabel? = nil
    ) {
        self.itemID = itemID
        self.moderatorID = moderatorID
        self.outcome = outcome
        self.postState = postState
        self.deletePost = deletePost
        self.flagsAgreed = flagsAgreed
        self.log = log
        self.label = label
    }
}

/// Flags, the review queue, posts' moderation state and the audit log, as stored.
public protocol ModerationRepository: Sendable {
    /// How many posts the member wrote, and how many of their flags staff agreed and disagreed with.
    func standing(of memberID: MemberID) async throws -> (posts: Int, agreed: Int, disagreed: Int)
    /// How many of the member's posts are out: neither deleted nor waiting nor hidden (a post still held is not one
    /// of the "first posts" a moderator let through).
    func visiblePostCount(of memberID: MemberID) async throws -> Int
    /// Records the flag, opens or updates the post's review item, and hides the post when the open flags reach
    /// `threshold` and it is visible, logging that: all in one transaction. Nil when the member already
    /// flagged the post.
    func flag(_ flag: NewFlag, threshold: Double, at date: Date) async throws -> FlagOutcome?
    func flags(on postID: PostID) async throws -> [PostFlag]
    /// Records a flag on a profile and opens or updates its item; nil when the member already flagged it.
    func flagProfile(_ memberID: MemberID, reporterID: MemberID, reason: FlagReason, message: String?, at date: Date)
        async throws -> ReviewItem?

    /// Opens a review item, or merges the reasons and the higher score into the open one for the same thing.
    @discardableResult
    func open(_ item: NewReviewItem, at date: Date) async throws -> ReviewItem
    func item(_ id: ReviewItemID) async throws -> ReviewItem?
    /// The open item for a post, of any kind.
    func openItems(for postID: PostID) async throws -> [ReviewItem]
    /// Open items awake at `date`, highest score first, after the cursor.
    func queue(after cursor: ReviewCursor?, limit: Int, awakeAt date: Date) async throws -> [ReviewItem]
    func openCount(awakeAt date: Date) async throws -> Int
    /// Items opened at or after `since`, open or handled, newest first.
    func items(openedSince since: Date, limit: Int) async throws -> [ReviewItem]
    /// Claims an open item unless another moderator claimed it less than `staleAfter` ago; returns the item as
    /// it is afterwards (claimed by whoever holds it), or nil when it is handled or unknown.
    func claim(_ id: ReviewItemID, by memberID: MemberID, at date: Date, staleAfter: TimeInterval) async throws
        -> ReviewItem?
    /// Applies a decision unless the item was already handled; returns false then. Its label, if any, is recorded
    /// in the same transaction, with a job to learn it.
    func decide(_ decision: ReviewDecision, at date: Date) async throws -> Bool
    /// Lets an open item sleep until `until`; false when it is handled.
    func sleep(_ id: ReviewItemID, until: Date, by memberID: MemberID, at date: Date) async throws -> Bool

    /// Holds a post for approval (an edit that needs it) and opens its item, with a log line, in one transaction.
    func hold(_ postID: PostID, item: NewReviewItem, at date: Date) async throws

    /// Sets a post's moderation state outside the queue (a moderator's hide or approve), with its log line and
    /// the label it teaches the engine (with a job to learn it), in one transaction.
    func setState(_ postID: PostID, to state: PostModeration, log: NewLogEntry, label: EngineLabel?, at date: Date)
        async throws

    func log(_ entry: NewLogEntry, at date: Date) async throws
    /// Newest first, before the id when given, as the filter says.
    func logEntries(before: Int64?, limit: Int, filter: LogFilter) async throws -> [ModerationLogEntry]
    /// Acts of people (not of Hearth itself) whose role is not `role`, written at or after `since`, newest first:
    /// what moderators and members with delegated powers did while the community manager was away.
    func logEntries(since: Date, byRoleOtherThan role: Role, limit: Int) async throws -> [ModerationLogEntry]
}

/// Which acts of the moderation log to show; every part left nil shows all.
public struct LogFilter: Sendable, Equatable {
    /// The start of the action's name, in any case: "hide" finds "hide" and "hide (flags)".
    public var action: String?
    /// Who acted.
    public var actorID: MemberID?
    /// Whom the acts were about: the member, their posts, their topics and the review items about them.
    public var aboutID: MemberID?
    /// Acts written before this moment.
    public var until: Date?

    public init(action: String? = nil, actorID: MemberID? = nil, aboutID: MemberID? = nil, until: Date? = nil) {
        self.action = action
        self.actorID = actorID
        self.aboutID = aboutID
        self.until = until
    }
}

/// A penalty about to be given.
public struct NewPenalty: Sendable, Equatable {
    public var memberID: MemberID
    public var kind: Penalty.Kind
    public var reason: String
    public var endsAt: Date?
    public var createdBy: MemberID

    public init(memberID: MemberID, kind: Penalty.Kind, reason: String, endsAt: Date?, createdBy: MemberID) {
        self.memberID = memberID
        self.kind = kind
        self.reason = reason
        self.endsAt = endsAt
        self.createdBy = createdBy
    }
}

/// Penalties as stored; the member's `silenced_until` and `suspended_until` follow them in the same transaction.
public protocol PenaltyRepository: Sendable {
    /// Gives the penalty with its log line; the same decision sent again (`Penalty.isRepeated`) gives back the
    /// penalty already given, and logs nothing.
    func give(_ penalty: NewPenalty, log: NewLogEntry, at date: Date) async throws -> Penalty
    func penalties(of memberID: MemberID) async throws -> [Penalty]
    func penalty(_ id: PenaltyID) async throws -> Penalty?
    func lift(_ id: PenaltyID, log: NewLogEntry, at date: Date) async throws -> Penalty?
}

/// Texts the community manager writes: the guidelines and the rules reminder, in each language.
public protocol CommunityTextRepository: Sendable {
    func text(_ name: String, language: Language) async throws -> String?
    func setText(
        _ name: String, language: Language, body: String, by memberID: MemberID, log: NewLogEntry, at date: Date)
        async throws
}
