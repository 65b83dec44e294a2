import Foundation

/// One page of a topic, ready for a view.
public struct TopicPage: Sendable {
    public let topic: Topic
    public let category: Category
    public let posts: [Post]
    public let quotes: [PostID: QuotedPost]
    public let reactions: [PostID: ReactionTally]
    public let page: Int
    public let pageCount: Int
    public let viewerID: MemberID?
    public let powers: TopicPowers
    public let canReply: Bool
    /// Slow mode, while it lasts.
    public var activeSlowMode: SlowMode?
    /// What the engine read in each post, for those who may see it (staff).
    public var readings: [PostID: PostReading] = [:]

    public init(
        topic: Topic, category: Category, posts: [Post], quotes: [PostID: QuotedPost],
        reactions: [PostID: ReactionTally],
        page: Int, pageCount: Int, viewerID: MemberID?, powers: TopicPowers = TopicPowers(), canReply: Bool
    ) {
        self.topic = topic
        self.category = category
        self.posts = posts
        self.quotes = quotes
        self.reactions = reactions
        self.page = page
        self.pageCount = pageCount
        self.viewerID = viewerID
        self.powers = powers
        self.canReply = canReply
    }

    /// Whether the viewer may open the post's earlier versions: the rule `ForumService.revisions` enforces, so that
    /// the page offers the "edited" link only to whoever it leads somewhere.
    public func mayReadRevisions(of post: Post) -> Bool {
        PostVisibility.mayReadRevisions(of: post, memberID: viewerID, seesRemoved: powers.seeRemoved)
    }

    /// What the viewer sees of one of the page's posts (the page holds no post they may not know of).
    public func visibility(of post: Post) -> PostVisibility {
        PostVisibility.of(
            post, in: topic, for: PostVisibility.Viewer(memberID: viewerID, seesRemoved: powers.seeRemoved))
    }
}

/// What a viewer may do on a topic's page, beyond reading and replying.
public struct TopicPowers: Sendable, Equatable {
    public var seeRemoved = false
    public var editOthers = false
    public var deleteOthers = false
    public var pin = false
    public var close = false
    public var hide = false
    public var approve = false
    public var flag = false
    public var slowMode = false
    public var remindRules = false
    public var readTriage = false
    /// Put a post on the feedback board.
    public var markFeedback = false

    public init(
        seeRemoved: Bool = false, editOthers: Bool = false, deleteOthers: Bool = false, pin: Bool = false,
        close: Bool = false, hide: Bool = false, approve: Bool = false, flag: Bool = false, slowMode: Bool = false,
        remindRules: Bool = false, readTriage: Bool = false, markFeedback: Bool = false
    ) {
        self.markFeedback = markFeedback
        self.readTriage = readTriage
        self.seeRemoved = seeRemoved
        self.editOthers = editOthers
        self.deleteOthers = deleteOthers
        self.pin = pin
        self.close = close
        self.hide = hide
        self.approve = approve
        self.flag = flag
        self.slowMode = slowMode
        self.remindRules = remindRules
    }

    /// Whether the page shows the topic's moderation controls (pin, close, slow mode, the reminder).
    public var moderates: Bool { pin || close || slowMode || remindRules }
}

/// A page of a topic list and the cursor to the next one.
public struct TopicList: Sendable {
    public let topics: [Topic]
    /// Unread posts per topic for a logged-in viewer; nil (absent) for topics they never opened.
    public let unread: [TopicID: Int]
    public let next: TopicCursor?
}
