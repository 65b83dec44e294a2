import Foundation

/// What is needed to create a category.
public struct NewCategory: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var description: String
    public var startPolicy: Category.StartPolicy
    public var kind: Category.Kind

    public init(
        slug: String, name: String, description: String, startPolicy: Category.StartPolicy, kind: Category.Kind
    ) {
        self.slug = slug
        self.name = name
        self.description = description
        self.startPolicy = startPolicy
        self.kind = kind
    }
}

/// A post about to be written: its text already checked and rendered.
public struct NewPost: Sendable, Equatable {
    public var author: MemberSummary
    public var body: String
    public var html: String
    public var quotePostID: PostID?
    public var createdAt: Date
    /// The engine's reading, stored with the post in the same transaction.
    public var reading: PostReading?
    /// Held for approval, or out.
    public var moderation: PostModeration
    /// Review items opened with the post, in the same transaction (their `postID` is the new post's).
    public var reviewItems: [NewReviewItem]
    /// Members told of the post (a reply to their topic, a quote, a mention), in the same transaction: one commit
    /// for a reply and its notifications, and none sent for a post that was not saved.
    public var recipients: [Recipient]
    /// The post's facts for the priority inbox, stored with it when its rank says it asks for attention.
    public var inbox: InboxDraft?
    /// Whether, as a reply, it answers the questions waiting in its topic (see `InboxRules.answers`).
    public var answers: Bool
    /// When set, a post by the same author with this very text (and quote), written at this date or later in the
    /// same topic, is this one sent again (a double click, a reload, a client's retry): the repository gives that
    /// post back instead of writing a second. Checked in the write's own transaction, so two copies sent at the same
    /// moment still make one post.
    public var sameTextSince: Date?

    public struct Recipient: Sendable, Equatable {
        public var memberID: MemberID
        public var kind: MemberNotification.Kind

        public init(_ memberID: MemberID, _ kind: MemberNotification.Kind) {
            self.memberID = memberID
            self.kind = kind
        }
    }

    public init(
        author: MemberSummary, body: String, html: String, quotePostID: PostID?, createdAt: Date,
        reading: PostReading? = nil, moderation: PostModeration = .visible, reviewItems: [NewReviewItem] = [],
        recipients: [Recipient] = [], inbox: InboxDraft? = nil, answers: Bool = true, sameTextSince: Date? = nil
    ) {
        self.sameTextSince = sameTextSince
        self.answers = answers
        self.recipients = recipients
        self.inbox = inbox
        self.reading = reading
        self.moderation = moderation
        self.reviewItems = reviewItems
        self.author = author
        self.body = body
        self.html = html
        self.quotePostID = quotePostID
        self.createdAt = createdAt
    }
}

/// Which topics a list shows, newest activity first.
public struct TopicQuery: Sendable, Equatable {
    public var categoryID: CategoryID?
    /// Only topics this member started.
    public var authorID: MemberID?
    /// Only topics whose last activity comes strictly after this position in the list (a cursor).
    public var after: TopicCursor?
    public var limit: Int
    /// Staff see deleted topics in lists; members do not.
    public var includeDeleted: Bool
    /// Pinned topics first (category pages and the home page), or strictly by activity (feeds, the API).
    public var pinnedFirst: Bool
    /// Categories whose topics are left out (those the viewer may not read).
    public var excludedCategories: [CategoryID] = []

    public init(
        categoryID: CategoryID? = nil, authorID: MemberID? = nil, after: TopicCursor? = nil, limit: Int = 30,
        includeDeleted: Bool = false, pinnedFirst: Bool = false
    ) {
        self.categoryID = categoryID
        self.authorID = authorID
        self.after = after
        self.limit = limit
        self.includeDeleted = includeDeleted
        self.pinnedFirst = pinnedFirst
    }
}

/// A position in a topic list: the last topic shown. Written into links and API responses as an opaque
/// string ("<pinned>.<lastPostedAt ms>.<id>").
public struct TopicCursor: Sendable, Equatable {
    public var pinned: Bool
    public var lastPostedAt: Int64
    public var id: TopicID

    public init(pinned: Bool, lastPostedAt: Int64, id: TopicID) {
        self.pinned = pinned
        self.lastPostedAt = lastPostedAt
        self.id = id
    }

    public init(after topic: Topic, pinnedFirst: Bool) {
        self.init(
            pinned: pinnedFirst && topic.isPinned, lastPostedAt: topic.lastPostedAt.millisecondsSince1970,
            id: topic.id)
    }

    public var token: String { "\(pinned ? 1 : 0).\(lastPostedAt).\(id.rawValue)" }

    /// Reads a token; anything malformed is a validation error, never a crash or a silent first page.
    public init(token: String) throws {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let pinned = Int(parts[0]), pinned == 0 || pinned == 1,
            let last = Int64(parts[1]), let id = Int64(parts[2])
        else {
            throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
        }
        self.init(pinned: pinned == 1, lastPostedAt: last, id: TopicID(id))
    }
}

/// A notification about to be stored.
public struct NewNotification: Sendable, Equatable {
    public var memberID: MemberID
    public var kind: MemberNotification.Kind
    public var actorID: MemberID
    public var topicID: TopicID
    public var postID: PostID
    public var createdAt: Date

    public init(
        memberID: MemberID, kind: MemberNotification.Kind, actorID: MemberID, topicID: TopicID, postID: PostID,
        createdAt: Date
    ) {
        self.memberID = memberID
        self.kind = kind
        self.actorID = actorID
        self.topicID = topicID
        self.postID = postID
        self.createdAt = createdAt
    }
}

/// Categories, topics, posts, reactions and read positions as stored.
public protocol ForumRepository: Sendable {
    /// Creates a category at the end of the list; a slug already in use is `HearthError.conflict`.
    func createCategory(_ category: NewCategory) async throws -> Category
    func categories() async throws -> [Category]
    func category(id: CategoryID) async throws -> Category?
    func category(slug: String) async throws -> Category?

    /// Creates a topic and its opening post, atomically; a held opening post holds the topic.
    func createTopic(categoryID: CategoryID, title: String, firstPost: NewPost) async throws -> (Topic, Post)
    /// Appends a post to a topic, numbering it, moving the topic's last activity and, with `heat`, its heat (opening
    /// the topic's review item when the reply tips it over), atomically.
    func addPost(to topicID: TopicID, _ post: NewPost, heat: HeatRules?) async throws -> Post
    /// The stored readings of these posts.
    func readings(of postIDs: [PostID]) async throws -> [PostID: PostReading]
    /// Stores readings, replacing earlier ones (or, with `replacing` false, leaving a reading already there).
    func saveReadings(_ readings: [(PostID, PostReading)], replacing: Bool) async throws
    /// Posts after `after` that have no reading yet, in id order: their id and their text (the title first for an
    /// opening post).
    func postsWithoutReading(after: PostID?, limit: Int) async throws -> [(PostID, String)]
    func postsWithoutReadingCount() async throws -> Int
    func topic(id: TopicID) async throws -> Topic?
    func topics(_ query: TopicQuery) async throws -> [Topic]
    func setPinned(_ topicID: TopicID, at date: Date?) async throws
    func setClosed(_ topicID: TopicID, at date: Date?) async throws
    /// Sets or ends (nil) slow mode.
    func setSlowMode(_ topicID: TopicID, _ slowMode: SlowMode?) async throws
    /// When the member last posted in the topic, deleted posts included.
    func lastPostDate(by memberID: MemberID, in topicID: TopicID) async throws -> Date?
    /// The member's latest post written at `since` or later, if any: what a form sent twice would repeat.
    func latestPost(by memberID: MemberID, since: Date) async throws -> Post?

    func post(id: PostID) async throws -> Post?
    func posts(ids: [PostID]) async throws -> [Post]
    /// The opening post of each of the topics.
    func openingPosts(of topicIDs: [TopicID]) async throws -> [TopicID: Post]
    /// The posts of a topic whose numbers fall in the range, deleted ones included, in order.
    func posts(in topicID: TopicID, numbers: ClosedRange<Int>) async throws -> [Post]
    /// Replaces a post's text, keeping the old one as a revision.
    /// With `basedOn`, the edit count the editor's form was opened at: a post changed since is refused as a
    /// conflict (`ForumService.editedSince`), checked in the edit's own transaction.
    func edit(_ postID: PostID, body: String, html: String, editorID: MemberID, basedOn: Int?, at date: Date)
        async throws
    func revisions(of postID: PostID) async throws -> [PostRevision]
    /// Soft-deletes (`at` set) or restores (`at` nil) a post. The opening post takes its topic with it.
    func setDeleted(_ postID: PostID, at date: Date?, by memberID: MemberID) async throws

    /// Adds the reaction, or takes it back when the member had already given it; returns whether it is now on.
    func toggleReaction(_ kind: ReactionKind, on postID: PostID, by memberID: MemberID, at date: Date) async throws
        -> Bool
    func reactions(on postIDs: [PostID], viewer: MemberID?) async throws -> [PostID: ReactionTally]

    /// Moves the member's read position in the topic forward to `number` (never back).
    func markRead(_ topicID: TopicID, upTo number: Int, by memberID: MemberID) async throws
    /// The highest post number the member has read in each of the topics they have opened.
    func readPositions(of memberID: MemberID, in topicIDs: [TopicID]) async throws -> [TopicID: Int]
}

/// Notifications as stored.
public protocol NotificationRepository: Sendable {
    func create(_ notifications: [NewNotification]) async throws
    /// Newest first, older than `before` when given.
    func notifications(of memberID: MemberID, before: NotificationID?, limit: Int) async throws
        -> [MemberNotification]
    func unreadCount(of memberID: MemberID) async throws -> Int
    /// Marks the given notifications read (all of them when `ids` is nil).
    func markRead(of memberID: MemberID, ids: [NotificationID]?, at date: Date) async throws
}
