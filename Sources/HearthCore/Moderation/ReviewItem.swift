import Foundation

/// Marker for `Identifier<ReviewItem>`.
public typealias ReviewItemID = Identifier<ReviewItem>

/// One thing in the review queue: a flagged post, a post held for approval, a post the engine flagged, a heated
/// topic, or a flagged profile.
public struct ReviewItem: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case flaggedPost = "flagged_post"
        case heldPost = "held_post"
        case engineFlag = "engine_flag"
        case heatedTopic = "heated_topic"
        case flaggedProfile = "flagged_profile"
    }

    /// What a moderator decided, kept on the item and in the log.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case approved
        case hidden
        case deleted
        case ignored
    }

    public let id: ReviewItemID
    public let kind: Kind
    public let postID: PostID?
    public let memberID: MemberID?
    /// Why it is here, in words a moderator reads at a glance ("spam: 'buy now'", "flagged by 3 members").
    public var reasons: [String]
    /// Higher first: heated topics and weighty flags above a lone flag.
    public var score: Double
    public let createdAt: Date
    public var updatedAt: Date
    /// Deferred: the item sleeps until then.
    public var sleepsUntil: Date?
    public var claimedBy: MemberSummary?
    public var claimedAt: Date?
    public var handledBy: MemberSummary?
    public var handledAt: Date?
    public var outcome: Outcome?

    public init(
        id: ReviewItemID, kind: Kind, postID: PostID?, memberID: MemberID?, reasons: [String], score: Double,
        createdAt: Date, updatedAt: Date, sleepsUntil: Date? = nil, claimedBy: MemberSummary? = nil,
        claimedAt: Date? = nil, handledBy: MemberSummary? = nil, handledAt: Date? = nil, outcome: Outcome? = nil
    ) {
        self.id = id
        self.kind = kind
        self.postID = postID
        self.memberID = memberID
        self.reasons = reasons
        self.score = score
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sleepsUntil = sleepsUntil
        self.claimedBy = claimedBy
        self.claimedAt = claimedAt
        self.handledBy = handledBy
        self.handledAt = handledAt
        self.outcome = outcome
    }

    public var isOpen: Bool { handledAt == nil }

    /// Whether hiding the post says something about its tone (an insult, a threat, abuse), and so teaches the
    /// engine "toxic"; spam, an off-topic post or a newcomer's link are hidden for other reasons.
    public var isAboutTone: Bool {
        switch kind {
        // A flagged post may carry the engine's reasons too (its item took them in).
        case .flaggedPost:
            reasons.contains {
                $0.hasPrefix(FlagReason.inappropriate.rawValue) || $0.hasPrefix("toxicity")
                    || $0.hasPrefix("reads as a threat")
            }
        case .engineFlag, .heldPost: reasons.contains { $0.hasPrefix("toxicity") || $0.hasPrefix("reads as a threat") }
        case .heatedTopic, .flaggedProfile: false
        }
    }
}

/// What a moderator can do to a review item.
public enum ReviewAction: String, Sendable, Codable, CaseIterable {
    /// Keep the post as it is (or let a held one through): the flags were wrong.
    case approve
    case hide
    case delete
    /// Close the item without judging the flags.
    case ignore
    /// Let it sleep until the start of the next working day.
    case `defer`
    /// Take it, so no other moderator acts on it at the same time.
    case claim
}

/// An item with what a moderator needs to decide: the post in its thread, the reporters' reasons, and the
/// author's history.
public struct ReviewCase: Sendable {
    public let item: ReviewItem
    public let post: Post?
    public let topic: Topic?
    /// The messages just before the post in its thread, oldest first.
    public let context: [Post]
    public let flags: [PostFlag]
    public let author: MemberSummary?
    public let authorHistory: AuthorHistory?

    public init(
        item: ReviewItem, post: Post?, topic: Topic?, context: [Post], flags: [PostFlag], author: MemberSummary?,
        authorHistory: AuthorHistory?
    ) {
        self.item = item
        self.post = post
        self.topic = topic
        self.context = context
        self.flags = flags
        self.author = author
        self.authorHistory = authorHistory
    }
}

/// What staff see of a member when deciding: how long they have been here, how much they wrote, and what
/// moderators decided before.
public struct AuthorHistory: Sendable, Equatable {
    public let joinedAt: Date
    public let posts: Int
    public let penalties: [Penalty]

    public init(joinedAt: Date, posts: Int, penalties: [Penalty]) {
        self.joinedAt = joinedAt
        self.posts = posts
        self.penalties = penalties
    }
}

/// A page of the queue and the cursor to the next one.
public struct ReviewPage: Sendable {
    public let items: [ReviewItem]
    public let next: ReviewCursor?

    public init(items: [ReviewItem], next: ReviewCursor?) {
        self.items = items
        self.next = next
    }
}

/// A position in the queue (score, then id), written as an opaque token.
public struct ReviewCursor: Sendable, Equatable {
    public let score: Double
    public let id: ReviewItemID

    public init(score: Double, id: ReviewItemID) {
        self.score = score
        self.id = id
    }

    /// Reads `<the score's 64 bits in 16 hex digits>_<id>`: the score comes back exactly, whatever its decimals.
    public init(token: String) throws {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, let bits = UInt64(parts[0], radix: 16),
            parts[1].first != "0", parts[1].count <= 18, let id = Int64(parts[1]), id > 0
        else {
            throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
        }
        self.score = Double(bitPattern: bits)
        self.id = ReviewItemID(id)
    }

    public var token: String {
        let hex = String(score.bitPattern, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "_\(id.rawValue)"
    }
}
