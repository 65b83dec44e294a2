import Foundation
import HearthCore

/// An article in the blog's index (and on the home page).
public struct ArticleItem: Sendable {
    public let title: String
    public let url: String
    public let excerpt: String
    public let coverURL: String?
    public let date: String
    public let dateISO: String
    public let authorName: String
    public let tags: [String]
    /// "draft" or "scheduled", for staff; nil once public.
    public let statusLabel: String?

    public static func make(_ article: Article, localization: Localization, language: Language, now: Date)
        -> ArticleItem
    {
        ArticleItem(
            title: article.title, url: "/blog/\(article.slug)",
            excerpt: MarkdownExcerpt.make(article.body, maximumLength: 240), coverURL: article.coverPath,
            date: Localization.date(article.date, language), dateISO: Localization.isoDate(article.date),
            authorName: article.author.displayName, tags: article.tags,
            statusLabel: article.isPublic(at: now)
                ? nil : localization.text("blog_status_\(article.status.rawValue)", language))
    }
}

public struct BlogIndexPage: Sendable {
    public static let template = "blog-index"
    public let page: PageChrome
    public let articles: [ArticleItem]
    public let nextURL: String?
    public let previousURL: String?
    public let canWrite: Bool

    public init(page: PageChrome, articles: [ArticleItem], nextURL: String?, previousURL: String?, canWrite: Bool) {
        self.page = page
        self.articles = articles
        self.nextURL = nextURL
        self.previousURL = previousURL
        self.canWrite = canWrite
    }
}

public struct ArticlePageView: Sendable, ShowsPosts {
    public static let template = "article"
    public struct Product: Sendable {
        public let name: String
        public let url: String
        public let imageURL: String?
    }

    public let page: PageChrome
    public let articleTitle: String
    /// Made by SafeMarkdown when the article was saved.
    public let html: String
    public let coverURL: String?
    public let date: String
    public let dateISO: String
    public let authorName: String
    public let authorURL: String
    public let tags: [String]
    public let product: Product?
    public let statusLabel: String?
    public let editURL: String?
    /// The comments: the article's topic without its opening post, with the forum's reply form.
    public let posts: [PostItem]
    public var renderedPosts: [RenderedFragment] = []
    public let canReply: Bool
    public let loggedIn: Bool
    public let closed: Bool
    public let replyAction: String
    public let quoting: PostItem.Quote?
    public let quotePostID: Int64?
    public let draft: String
    public let previousURL: String?
    public let nextURL: String?

    public static func make(
        _ article: Article, comments: TopicPage, chrome: PageChrome, localization: Localization, language: Language,
        now: Date, canEdit: Bool, quoting: QuotedPost?, draft: String = ""
    ) -> ArticlePageView {
        let thread = TopicPageView.make(
            comments, chrome: chrome, localization: localization, language: language, quoting: quoting, draft: draft)
        let base = "/blog/\(article.slug)"
        return ArticlePageView(
            page: chrome, articleTitle: article.title, html: article.html, coverURL: article.coverPath,
            date: Localization.date(article.date, language), dateISO: Localization.isoDate(article.date),
            authorName: article.author.displayName, authorURL: Paths.member(article.author.handle), tags: article.tags,
            product: article.product.map { Product(name: $0.name, url: $0.url, imageURL: $0.imagePath) },
            statusLabel: article.isPublic(at: now)
                ? nil : localization.text("blog_status_\(article.status.rawValue)", language),
            editURL: canEdit ? base + "/edit" : nil,
            posts: thread.posts.filter { $0.number > 1 }.map { $0.quotingFrom(base) }, canReply: thread.canReply,
            loggedIn: thread.loggedIn, closed: thread.closed, replyAction: base + "/comments",
            quoting: thread.quoting, quotePostID: thread.quotePostID, draft: draft,
            previousURL: thread.pageNumber > 1 ? base + "?page=\(thread.pageNumber - 1)" : nil,
            nextURL: thread.pageNumber < thread.pageCount ? base + "?page=\(thread.pageNumber + 1)" : nil)
    }
}

extension PostItem {
    /// The same post with its "quote" link pointing at an article page instead of the topic.
    func quotingFrom(_ base: String) -> PostItem {
        var post = self
        post.quoteURL = quoteURL == nil ? nil : base + "?quote=\(id)#reply"
        return post
    }
}

public struct ArticleFormPage: Sendable {
    public static let template = "article-form"
    public typealias Option = FormOption

    public let page: PageChrome
    public let heading: String
    public let action: String
    public let titleValue: String
    public let body: String
    public let coverPath: String
    public let tags: String
    public let statuses: [Option]
    public let publishAt: String
    public let productName: String
    public let productURL: String
    public let productImage: String

    public init(
        page: PageChrome, heading: String, action: String, draft: ArticleDraft?, localization: Localization,
        language: Language
    ) {
        self.page = page
        self.heading = heading
        self.action = action
        titleValue = draft?.title ?? ""
        body = draft?.body ?? ""
        coverPath = draft?.coverPath ?? ""
        tags = draft?.tags.joined(separator: ", ") ?? ""
        statuses = Article.Status.allCases.map {
            Option(
                value: $0.rawValue, label: localization.text("blog_status_\($0.rawValue)", language),
                selected: $0 == (draft?.status ?? .draft))
        }
        publishAt = draft?.publishAt.map { Self.localInput($0) } ?? ""
        productName = draft?.product?.name ?? ""
        productURL = draft?.product?.url ?? ""
        productImage = draft?.product?.imagePath ?? ""
    }

    /// A date for `<input type="datetime-local">`, in UTC like every date Hearth shows.
    static func localInput(_ date: Date) -> String {
        String(date.formatted(.iso8601).prefix(16))
    }
}
