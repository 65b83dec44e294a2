import Foundation
import HearthCore

/// View models for the forum's pages. Each is built from the domain's values in one place, so that
/// controllers only fetch and pass along; dates and counts are formatted here for the page's language.

/// A topic in a list.
public struct TopicListItem: Sendable {
    public let id: Int64
    public let title: String
    public let url: String
    public let categoryName: String
    public let categoryURL: String
    public let authorName: String
    public let replies: Int
    /// Whether `replies` takes the singular in the page's language ("1 reply", "0 réponse").
    public let singleReply: Bool
    public let lastActivity: String
    public let lastActivityISO: String
    public let lastPosterName: String
    public let pinned: Bool
    public let closed: Bool
    public let deleted: Bool
    /// Unread posts for a member who opened the topic before; nil otherwise.
    public let unread: Int?
    /// A logged-in member has never opened it.
    public let isNew: Bool

    public static func make(
        _ topics: [Topic], unread: [TopicID: Int], categories: [HearthCore.Category], viewerKnown: Bool,
        language: Language
    ) -> [TopicListItem] {
        let byID = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return topics.map { topic in
            let category = byID[topic.categoryID]
            let unreadCount = unread[topic.id]
            return TopicListItem(
                id: topic.id.rawValue, title: topic.title, url: Paths.topic(topic), categoryName: category?.name ?? "",
                categoryURL: category.map(Paths.category) ?? "/", authorName: topic.author.displayName,
                replies: max(0, topic.postCount - 1),
                singleReply: Localization.isSingular(max(0, topic.postCount - 1), language),
                lastActivity: Localization.date(topic.lastPostedAt, language),
                lastActivityISO: Localization.isoDate(topic.lastPostedAt), lastPosterName: topic.lastPoster.displayName,
                pinned: topic.isPinned, closed: topic.isClosed, deleted: topic.deletedAt != nil,
                unread: unreadCount.flatMap { $0 > 0 ? $0 : nil }, isNew: viewerKnown && unreadCount == nil)
        }
    }
}

/// A category in the home page's list.
public struct CategoryItem: Sendable {
    public let name: String
    public let url: String
    public let description: String

    public init(_ category: HearthCore.Category) {
        name = category.name
        url = Paths.category(category)
        description = category.description
    }
}

public struct HomePage: Sendable {
    public static let template = "home"
    public let page: PageChrome
    public let announcements: [TopicListItem]
    public let latest: [TopicListItem]
    public let categories: [CategoryItem]
    public let articles: [ArticleItem]
    public let moreURL: String?
    public let hasArticles: Bool
    /// Stored, not computed: Mustache sees only stored properties.
    public let hasAnnouncements: Bool
    public let hasCategories: Bool

    public init(
        page: PageChrome, announcements: [TopicListItem] = [], latest: [TopicListItem] = [],
        categories: [CategoryItem] = [], articles: [ArticleItem] = [], moreURL: String? = nil
    ) {
        self.page = page
        self.announcements = announcements
        self.latest = latest
        self.categories = categories
        self.articles = articles
        self.hasArticles = !articles.isEmpty
        self.moreURL = moreURL
        self.hasAnnouncements = !announcements.isEmpty
        self.hasCategories = !categories.isEmpty
    }
}

/// A category's topics, or (with no category) all the latest topics.
public struct TopicListPage: Sendable {
    public static let template = "topic-list"
    public let page: PageChrome
    public let heading: String
    public let description: String?
    public let topics: [TopicListItem]
    public let nextURL: String?
    public let newTopicURL: String?
    public let staffOnlyNote: Bool

    public init(
        page: PageChrome, heading: String, description: String?, topics: [TopicListItem], nextURL: String?,
        newTopicURL: String?, staffOnlyNote: Bool
    ) {
        self.page = page
        self.heading = heading
        self.description = description
        self.topics = topics
        self.nextURL = nextURL
        self.newTopicURL = newTopicURL
        self.staffOnlyNote = staffOnlyNote
    }
}

/// One post on a topic page. Hashable because it is the key under which its HTML is cached: two readers
/// who would see the same post the same way share one rendering.
public struct PostItem: Sendable, Hashable {
    public struct Reaction: Sendable, Hashable {
        public let kind: String
        public let emoji: String
        public let label: String
        /// Nil when nobody gave it (Mustache would show a 0).
        public let count: Int?
        public let mine: Bool
    }

    public struct Quote: Sendable, Hashable {
        public let authorName: String
        public let excerpt: String
        public let url: String
    }

    public let id: Int64
    public let number: Int
    public let anchor: String
    public let authorName: String
    public let authorURL: String
    public let authorRole: String?
    /// The badge of a delegated role the author holds ("Evening").
    public let authorBadge: String?
    /// The author's picture, or nil for a badge with `authorInitial`.
    public let avatarURL: String?
    public let authorInitial: String
    public let created: String
    public let createdISO: String
    public let edited: Bool
    public let deleted: Bool
    /// HTML made by SafeMarkdown when the post was written; the only unescaped output on the page.
    public let html: String
    public let quote: Quote?
    public let reactions: [Reaction]
    public let canReact: Bool
    public let canEdit: Bool
    public let canDelete: Bool
    public let canRestore: Bool
    public var quoteURL: String?
    /// Hidden by moderation: its author sees it whole, with a note saying they may edit it.
    /// What was just done to this post (a flag sent, a hide), said where the page lands rather than at its top.
    public var flash: String?
    public var hiddenByModeration: Bool = false
    /// Hidden by moderation, seen by a moderator: a note saying others do not see it.
    public var hiddenForOthers: Bool = false
    /// Held for approval, shown to its author and moderators with a note.
    public var pending: Bool = false
    /// Held, seen by staff rather than by its author: the note speaks of "its author", not "you".
    public var pendingForOthers: Bool = false
    /// A placeholder stands for a hidden post the viewer may not read.
    public var hiddenPlaceholder: Bool = false
    public var canFlag: Bool = false
    public var canHide: Bool = false
    public var canUnhide: Bool = false
    public var canApprove: Bool = false
    /// Staff may put the post on the feedback board.
    public var canMarkFeedback: Bool = false
    /// The earlier versions of an edited post, for those who may open them (its author and staff); others read
    /// "edited" without a link that would only say "Not allowed".
    public var historyURL: String?
    /// For staff: what the engine read ("fr · question · toxicity 0.12"), and why.
    public var readingBadge: String?
    public var readingExplanation: String?
}

public struct TopicPageView: Sendable, ShowsPosts {
    public static let template = "topic"
    public let page: PageChrome
    public let id: Int64
    public let topicTitle: String
    public let categoryName: String
    public let categoryURL: String
    public let pinned: Bool
    public let closed: Bool
    public let deleted: Bool
    public var posts: [PostItem]
    public var renderedPosts: [RenderedFragment] = []
    public let pageNumber: Int
    public let pageCount: Int
    public let previousURL: String?
    public let nextURL: String?
    public let canReply: Bool
    public let isStaff: Bool
    public let loggedIn: Bool
    public let replyAction: String
    public let stateAction: String
    /// The post being quoted in the reply form (from `?quote=`), if any.
    public let quoting: PostItem.Quote?
    public let quotePostID: Int64?
    public let draft: String
    /// "Slow mode: one reply every 10 minutes, until 21:00", while it lasts.
    public var slowModeNote: String?
    public var canSlowMode: Bool = false
    public var canRemindRules: Bool = false
    public var slowModeAction: String = ""
    public var remindAction: String = ""
    public var slowModeActive: Bool = false
    /// For staff, when the thread is heating up: why.
    public var heatReasons: [String] = []
    public var heated: Bool = false
    /// "This topic reopens on 3 Dec 2026 at 09:00.", while the topic's timer has something to do.
    public var timerNote: String?
    /// For those who may close the topic.
    public var timerForm: TopicTimerForm?

    public static func make(
        _ topicPage: TopicPage, chrome: PageChrome, localization: Localization, language: Language,
        quoting: QuotedPost?, draft: String = "", timerDraft: TopicTimerForm.Draft? = nil
    ) -> TopicPageView {
        let topic = topicPage.topic
        let viewer = topicPage.viewerID
        let pageURL = Paths.topic(topic, page: topicPage.page)
        let posts = topicPage.posts.map { post -> PostItem in
            let own = viewer != nil && post.author.id == viewer
            let hidden = !topicPage.visibility(of: post).isShown
            let tally = topicPage.reactions[post.id] ?? ReactionTally()
            let reactions = ReactionKind.allCases.map { kind in
                PostItem.Reaction(
                    kind: kind.rawValue, emoji: kind.emoji,
                    label: localization.text("reaction_\(kind.rawValue)", language),
                    count: tally.counts[kind].flatMap { $0 > 0 ? $0 : nil }, mine: tally.mine.contains(kind))
            }
            let visibility = topicPage.visibility(of: post)
            let powers = topicPage.powers
            var item = PostItem(
                id: post.id.rawValue, number: post.number, anchor: "p\(post.number)",
                authorName: post.author.displayName, authorURL: Paths.member(post.author.handle),
                authorRole: post.author.role == .member
                    ? nil : localization.text("role_\(post.author.role.rawValue)", language),
                authorBadge: post.author.badge,
                avatarURL: post.author.avatarPath, authorInitial: Self.initial(of: post.author.displayName),
                created: Localization.date(post.createdAt, language), createdISO: Localization.isoDate(post.createdAt),
                edited: post.editCount > 0, deleted: post.isDeleted, html: hidden ? "" : post.html,
                quote: post.quotePostID.flatMap { topicPage.quotes[$0] }.map { quoteItem($0) },
                reactions: hidden ? [] : reactions, canReact: viewer != nil && !post.isDeleted && topicPage.canReply,
                canEdit: !post.isDeleted && (own || topicPage.powers.editOthers),
                canDelete: !post.isDeleted && (own || topicPage.powers.deleteOthers),
                canRestore: post.isDeleted && topicPage.powers.deleteOthers,
                quoteURL: topicPage.canReply && !post.isDeleted
                    ? pageURL + (topicPage.page > 1 ? "&" : "?")
                        + "quote=\(post.id.rawValue)#reply"
                    : nil)
            item.hiddenPlaceholder = visibility == .placeholder(.hidden)
            item.hiddenByModeration = visibility.isShown && post.moderation == .hidden && own
            item.hiddenForOthers = visibility.isShown && post.moderation == .hidden && !own
            item.pending = visibility.isShown && post.moderation == .pending && own
            item.pendingForOthers = visibility.isShown && post.moderation == .pending && !own
            let live = visibility.isShown && !post.isDeleted
            item.canFlag = live && viewer != nil && !own && powers.flag && post.moderation == .visible
            item.canHide = live && powers.hide && post.moderation == .visible
            item.canUnhide = live && powers.hide && post.moderation == .hidden
            item.canApprove = live && powers.approve && post.moderation == .pending
            item.canMarkFeedback = live && powers.markFeedback && post.moderation == .visible
            if post.editCount > 0, topicPage.mayReadRevisions(of: post) {
                item.historyURL = "/p/\(post.id.rawValue)/history"
            }
            if let reading = topicPage.readings[post.id] {
                item.readingBadge = Self.badge(reading, localization: localization, language: language)
                item.readingExplanation = reading.explanation.isEmpty ? nil : reading.explanation
            }
            return item
        }
        return TopicPageView(
            page: chrome, id: topic.id.rawValue, topicTitle: topic.title, categoryName: topicPage.category.name,
            categoryURL: Paths.category(topicPage.category), pinned: topic.isPinned, closed: topic.isClosed,
            deleted: topic.deletedAt != nil, posts: posts, pageNumber: topicPage.page, pageCount: topicPage.pageCount,
            previousURL: topicPage.page > 1 ? Paths.topic(topic, page: topicPage.page - 1) : nil,
            nextURL: topicPage.page < topicPage.pageCount ? Paths.topic(topic, page: topicPage.page + 1) : nil,
            canReply: topicPage.canReply, isStaff: topicPage.powers.moderates, loggedIn: viewer != nil,
            replyAction: "/t/\(topic.id.rawValue)/replies", stateAction: "/t/\(topic.id.rawValue)/state",
            quoting: quoting.map { quoteItem($0) }, quotePostID: quoting?.postID.rawValue, draft: draft,
            slowModeNote: topicPage.activeSlowMode.map { slow in
                localization.text(
                    "slowMode_note", language,
                    [
                        "delay": Localization.duration(slow.seconds, language),
                        "until": Localization.date(slow.until, language),
                    ])
            },
            canSlowMode: topicPage.powers.slowMode, canRemindRules: topicPage.powers.remindRules,
            slowModeAction: "/t/\(topic.id.rawValue)/slow-mode", remindAction: "/t/\(topic.id.rawValue)/remind",
            slowModeActive: topicPage.activeSlowMode != nil,
            timerNote: TopicTimerForm.note(
                topic, always: topicPage.powers.close, localization: localization, language: language),
            timerForm: topicPage.powers.close ? TopicTimerForm(topic: topic, draft: timerDraft) : nil)
    }

    /// "fr · question · toxicity 0.12", the engine's reading at a glance.
    static func badge(_ reading: PostReading, localization: Localization, language: Language) -> String {
        let toxicity = Int((reading.toxicity * 100).rounded())
        return [
            reading.language, localization.text("reading_\(reading.feedbackKind)", language),
            localization.text("reading_toxicity", language, ["percent": String(toxicity)]),
        ].joined(separator: " · ")
    }

    /// The first letter of a name, upper-cased, for the badge shown when there is no picture.
    static func initial(of name: String) -> String {
        name.first { $0.isLetter || $0.isNumber }.map { String($0).uppercased() } ?? "?"
    }

    static func quoteItem(_ quoted: QuotedPost) -> PostItem.Quote {
        PostItem.Quote(
            authorName: quoted.author.displayName, excerpt: quoted.excerpt,
            url: "/t/\(quoted.topicID.rawValue)?post=\(quoted.number)#p\(quoted.number)")
    }
}

public struct NewTopicPage: Sendable {
    public static let template = "new-topic"
    public struct Option: Sendable {
        public let id: Int64
        public let name: String
        public let selected: Bool
    }

    public let page: PageChrome
    public let categories: [Option]
    public let titleValue: String
    public let body: String

    public init(page: PageChrome, categories: [HearthCore.Category], selected: CategoryID?, title: String, body: String)
    {
        self.page = page
        self.categories = categories.map { Option(id: $0.id.rawValue, name: $0.name, selected: $0.id == selected) }
        self.titleValue = title
        self.body = body
    }
}
