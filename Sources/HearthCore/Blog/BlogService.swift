import Foundation
import Logging

/// The blog: staff write articles (draft, scheduled or published), readers comment through the forum.
public struct BlogService: Sendable {
    public static let pageSize = 10
    let articles: any ArticleRepository
    let forum: ForumService
    let policy: AccessPolicy
    let now: Now

    public init(articles: any ArticleRepository, forum: ForumService, policy: AccessPolicy, now: @escaping Now) {
        self.articles = articles
        self.forum = forum
        self.policy = policy
        self.now = now
    }

    public func isStaff(_ viewer: Viewer?) -> Bool {
        policy.decide(viewer, .writeArticle, at: now()).isAllowed
    }

    public func create(_ viewer: Viewer?, _ draft: ArticleDraft) async throws -> Article {
        try policy.authorize(viewer, .writeArticle, at: now())
        guard let author = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        let checked = try check(draft)
        var slug = Slug.make(checked.title, fallback: "article")
        var suffix = 2
        // "new" is the address of the article form.
        while slug == "new" ? true : try await articles.find(slug: slug) != nil {
            slug = Slug.make(checked.title, fallback: "article") + "-\(suffix)"
            suffix += 1
        }
        let date = now()
        let category = try await forum.commentsCategory()
        let intro = "[\(checked.title)](/blog/\(slug))"
        let article = try await articles.create(
            checked, slug: slug, html: forum.cooker.cook(checked.body, mentions: []), authorID: author.id,
            commentsCategory: category.id,
            firstPost: NewPost(
                author: MemberSummary(author), body: intro, html: forum.cooker.cook(intro, mentions: []),
                quotePostID: nil,
                createdAt: date, reading: forum.reader?.read(checked.title + "\n\n" + checked.body)),
            at: date)
        forum.logger.info("Article written", metadata: ["article.id": "\(article.id)", "status": "\(article.status)"])
        return article
    }

    public func update(_ viewer: Viewer?, _ id: ArticleID, _ draft: ArticleDraft) async throws -> Article {
        try policy.authorize(viewer, .writeArticle, at: now())
        let checked = try check(draft)
        guard
            let article = try await articles.update(
                id, checked, html: forum.cooker.cook(checked.body, mentions: []), at: now())
        else { throw HearthError.notFound("There is no such article.") }
        return article
    }

    /// The article, if the viewer may read it (staff read drafts and scheduled ones).
    public func article(_ viewer: Viewer?, slug: String) async throws -> Article {
        try visible(try await articles.find(slug: slug), viewer)
    }

    public func article(_ viewer: Viewer?, id: ArticleID) async throws -> Article {
        try visible(try await articles.find(id: id), viewer)
    }

    /// The article whose comments a topic holds, if any.
    public func article(forTopic topicID: TopicID) async throws -> Article? {
        try await articles.find(topicID: topicID)
    }

    /// A page of articles, newest first; staff also see drafts and what is scheduled.
    public func list(_ viewer: Viewer?, page: Int = 1) async throws -> (articles: [Article], more: Bool) {
        let offset = (max(page, 1) - 1) * Self.pageSize
        let found = try await articles.list(
            visibleAt: isStaff(viewer) ? nil : now(), limit: Self.pageSize + 1, offset: offset)
        return (Array(found.prefix(Self.pageSize)), found.count > Self.pageSize)
    }

    /// Comments on an article: a reply in its topic.
    public func comment(_ viewer: Viewer?, on id: ArticleID, body: String, quoting: PostID? = nil) async throws -> Post
    {
        let article = try await article(viewer, id: id)
        return try await forum.reply(viewer, to: article.topicID, body: body, quoting: quoting)
    }

    private func visible(_ article: Article?, _ viewer: Viewer?) throws -> Article {
        guard let article, article.isPublic(at: now()) || isStaff(viewer) else {
            throw HearthError.notFound("There is no such article.")
        }
        return article
    }

    private func check(_ draft: ArticleDraft) throws -> ArticleDraft {
        var checked = draft
        var problems: [FieldError] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch HearthError.validation(let fields) { problems += fields } catch {}
        }
        collect { checked.title = try PostRules.title(draft.title) }
        collect { checked.body = try PostRules.body(draft.body) }
        if let cover = draft.coverPath, !Self.isImageAddress(cover) {
            problems.append(FieldError(field: "cover", message: "A cover is an uploaded image or an https:// address."))
        }
        if draft.status == .scheduled, draft.publishAt == nil {
            problems.append(
                FieldError(field: "publishAt", message: "Give a date and time to publish a scheduled article."))
        }
        if draft.status == .published, draft.publishAt == nil { checked.publishAt = now() }
        if let product = draft.product {
            let name = product.name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.count > 80 {
                problems.append(
                    FieldError(field: "productName", message: "Give the product a name of 1 to 80 characters."))
            }
            let url = product.url.lowercased()
            if !(url.hasPrefix("https://") || url.hasPrefix("http://")) || product.url.contains(where: \.isWhitespace) {
                problems.append(
                    FieldError(field: "productURL", message: "The product link must be an http(s) address."))
            }
            if let image = product.imagePath, !Self.isImageAddress(image) {
                problems.append(
                    FieldError(
                        field: "productImage", message: "A product image is an uploaded image or an https:// address."))
            }
            checked.product?.name = name
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        return checked
    }

    static func isImageAddress(_ path: String) -> Bool {
        (path.hasPrefix("/uploads/") && Upload.parse(fileName: String(path.dropFirst("/uploads/".count))) != nil)
            || (path.hasPrefix("https://") && !path.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" }))
    }
}
