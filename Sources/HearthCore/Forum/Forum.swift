import Foundation

public typealias CategoryID = Identifier<Category>
public typealias TopicID = Identifier<Topic>
public typealias PostID = Identifier<Post>
public typealias NotificationID = Identifier<MemberNotification>

/// A place in the forum. The announcements category is an ordinary category that only staff may start
/// topics in and that the home page shows first.
public struct Category: Sendable, Equatable, Identifiable, Codable {
    /// Who may start topics here (anyone may reply to an open topic).
    public enum StartPolicy: String, Sendable, Codable, CaseIterable {
        case everyone
        case staff
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        case forum
        case announcements
        /// Holds one topic per blog article, for its comments; never listed with the forum's categories.
        case comments
    }

    public let id: CategoryID
    public var slug: String
    public var name: String
    public var description: String
    public var position: Int
    public var startPolicy: StartPolicy
    public var kind: Kind
    /// When the category was archived: out of the lists, no new topics, its topics closed but kept.
    public var archivedAt: Date?
    /// Who may read its topics.
    public var readPolicy: ReadPolicy

    public init(
        id: CategoryID, slug: String, name: String, description: String, position: Int, startPolicy: StartPolicy,
        kind: Kind, archivedAt: Date? = nil, readPolicy: ReadPolicy = .everyone
    ) {
        self.archivedAt = archivedAt
        self.readPolicy = readPolicy
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.position = position
        self.startPolicy = startPolicy
        self.kind = kind
    }
}

/// A conversation: a title and its posts, the first of which opens it.
public struct Topic: Sendable, Equatable, Identifiable {
    public let id: TopicID
    public var categoryID: CategoryID
    public var author: MemberSummary
    public var title: String
    public var createdAt: Date
    public var lastPostedAt: Date
    public var lastPoster: MemberSummary
    /// Visible posts, the opening post included.
    public var postCount: Int
    /// The number given to the newest post, deleted ones included; posts are numbered from 1.
    public var highestNumber: Int
    public var pinnedAt: Date?
    public var closedAt: Date?
    public var deletedAt: Date?
    /// Set while the opening post waits for approval: only its author and moderators see the topic.
    public var heldAt: Date?
    /// Slow mode: the least time between one member's replies, until `slowModeUntil`.
    public var slowMode: SlowMode?
    /// Its timer (close for a while, reopen at a time, close once quiet), if one is set.
    public var timer: TopicTimer?

    public init(
        id: TopicID, categoryID: CategoryID, author: MemberSummary, title: String, createdAt: Date,
        lastPostedAt: Date, lastPoster: MemberSummary, postCount: Int, highestNumber: Int, pinnedAt: Date?,
        closedAt: Date?, deletedAt: Date?, heldAt: Date? = nil, slowMode: SlowMode? = nil, timer: TopicTimer? = nil
    ) {
        self.id = id
        self.categoryID = categoryID
        self.author = author
        self.title = title
        self.createdAt = createdAt
        self.lastPostedAt = lastPostedAt
        self.lastPoster = lastPoster
        self.postCount = postCount
        self.highestNumber = highestNumber
        self.pinnedAt = pinnedAt
        self.closedAt = closedAt
        self.deletedAt = deletedAt
        self.heldAt = heldAt
        self.slowMode = slowMode
        self.timer = timer
    }

    public var slug: String { Slug.make(title) }
    public var isPinned: Bool { pinnedAt != nil }
    public var isClosed: Bool { closedAt != nil }
}

/// A delay between one member's replies in a topic, for a while: the calm way to slow a heated thread.
public struct SlowMode: Sendable, Equatable, Codable {
    public let seconds: Int
    public let until: Date

    public init(seconds: Int, until: Date) {
        self.seconds = seconds
        self.until = until
    }

    public func isActive(at date: Date) -> Bool { date < until }
}

/// Who wrote something, as lists and posts show them.
public struct MemberSummary: Sendable, Equatable, Codable {
    public let id: MemberID
    public let handle: String
    public let displayName: String
    public let role: Role
    /// Their picture (`/uploads/…`), where the listing needs it; nil for the initial-letter badge.
    public let avatarPath: String?
    /// The badge of a delegated role they hold ("Evening"), shown beside their posts; nil when none.
    public var badge: String?

    public init(
        id: MemberID, handle: String, displayName: String, role: Role, avatarPath: String? = nil,
        badge: String? = nil
    ) {
        self.badge = badge
        self.id = id
        self.handle = handle
        self.displayName = displayName
        self.role = role
        self.avatarPath = avatarPath
    }

    public init(_ member: Member) {
        self.init(
            id: member.id, handle: member.handle, displayName: member.displayName, role: member.role,
            avatarPath: member.avatarPath)
    }
}

/// One message in a topic. `body` is what the author wrote (Markdown); `html` is that body rendered once,
/// when it was written, by a `PostCooker`, so that reading a topic renders nothing.
public struct Post: Sendable, Equatable, Identifiable {
    public let id: PostID
    public let topicID: TopicID
    public let number: Int
    public var author: MemberSummary
    public var body: String
    public var html: String
    public var quotePostID: PostID?
    public var createdAt: Date
    public var editedAt: Date?
    public var editCount: Int
    public var deletedAt: Date?
    /// Whether moderation has hidden the post or holds it for approval.
    public var moderation: PostModeration

    public init(
        id: PostID, topicID: TopicID, number: Int, author: MemberSummary, body: String, html: String,
        quotePostID: PostID?, createdAt: Date, editedAt: Date?, editCount: Int, deletedAt: Date?,
        moderation: PostModeration = .visible
    ) {
        self.id = id
        self.topicID = topicID
        self.number = number
        self.author = author
        self.body = body
        self.html = html
        self.quotePostID = quotePostID
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.editCount = editCount
        self.deletedAt = deletedAt
        self.moderation = moderation
    }

    public var isDeleted: Bool { deletedAt != nil }

    /// Whether a new post with this text and quote would be this one sent again (a double click, a reload): the
    /// same words quoting the same post, and this one still there.
    public func isCopy(of body: String, quoting quoteID: PostID?) -> Bool {
        self.body == body && quotePostID == quoteID && !isDeleted
    }
}

/// Where moderation has put a post. Deletion is separate (`Post.deletedAt`): its author can delete a post, only
/// moderation hides or holds one.
public enum PostModeration: String, Sendable, Codable, CaseIterable {
    case visible
    /// Hidden, by flags (pending review) or by a moderator: its author still sees it and may edit it.
    case hidden
    /// Held for approval before anyone but its author and the moderators sees it.
    case pending
}

/// An earlier text of an edited post, kept so that staff (and the author) can see what changed.
public struct PostRevision: Sendable, Equatable {
    public let postID: PostID
    /// The body as it was before the edit made at `replacedAt`.
    public let body: String
    public let editor: MemberSummary
    public let replacedAt: Date

    public init(postID: PostID, body: String, editor: MemberSummary, replacedAt: Date) {
        self.postID = postID
        self.body = body
        self.editor = editor
        self.replacedAt = replacedAt
    }
}

/// The reactions a post can receive: a like and a few emoji, deliberately no "dislike".
public enum ReactionKind: String, Sendable, Codable, CaseIterable {
    case like
    case heart
    case laugh
    case thanks
    case insightful

    public var emoji: String {
        switch self {
        case .like: "👍"
        case .heart: "❤️"
        case .laugh: "😄"
        case .thanks: "🙏"
        case .insightful: "💡"
        }
    }
}

/// How many of each reaction a post has, and which ones the viewer gave.
public struct ReactionTally: Sendable, Equatable {
    public var counts: [ReactionKind: Int]
    public var mine: Set<ReactionKind>

    public init(counts: [ReactionKind: Int] = [:], mine: Set<ReactionKind> = []) {
        self.counts = counts
        self.mine = mine
    }
}

/// Something that happened to a member's words: a mention, a reply, a quote.
public struct MemberNotification: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case mention
        case reply
        case quote
        /// The member's post was hidden pending review (by flags or a moderator).
        case hidden
        /// The member's post, held for approval, was let through.
        case approved
    }

    public let id: NotificationID
    public let kind: Kind
    public let actor: MemberSummary
    public let topicID: TopicID
    public let topicTitle: String
    public let postID: PostID
    public let postNumber: Int
    public let createdAt: Date
    public var readAt: Date?

    public init(
        id: NotificationID, kind: Kind, actor: MemberSummary, topicID: TopicID, topicTitle: String, postID: PostID,
        postNumber: Int, createdAt: Date, readAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.actor = actor
        self.topicID = topicID
        self.topicTitle = topicTitle
        self.postID = postID
        self.postNumber = postNumber
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
