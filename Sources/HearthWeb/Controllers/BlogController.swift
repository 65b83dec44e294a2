import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The blog: its index, articles with their comments, and the article form for staff.
struct BlogController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    var blog: BlogService { shared.services.blog }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/blog", use: index)
        router.get("/blog/new", use: newForm)
        router.post("/blog/new", use: create)
        router.get("/blog/:slug", use: article)
        router.get("/blog/:slug/edit", use: editForm)
        router.post("/blog/:slug/edit", use: update)
        router.post("/blog/:slug/comments", use: comment)
    }

    @Sendable func index(_ request: Request, context: Context) async throws -> Response {
        let number = max(1, request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1)
        let (articles, more) = try await blog.list(context.identity, page: number)
        let now = shared.services.now()
        let view = BlogIndexPage(
            page: try await shared.frame(pages.text("blog_heading", context), context),
            articles: articles.map {
                ArticleItem.make($0, localization: pages.renderer.localization, language: context.language, now: now)
            },
            nextURL: more ? "/blog?page=\(number + 1)" : nil,
            previousURL: number > 1 ? "/blog?page=\(number - 1)" : nil,
            canWrite: blog.isStaff(context.identity))
        return pages.html(view, template: BlogIndexPage.template)
    }

    @Sendable func article(_ request: Request, context: Context) async throws -> Response {
        let article = try await blog.article(context.identity, slug: context.parameters.get("slug") ?? "")
        let query = request.uri.queryParameters
        let quote = query.get("quote").flatMap { Int64($0) }.map(PostID.init(rawValue:))
        return try await articleResponse(
            article, page: query.get("page").flatMap { Int($0) } ?? 1, quoting: quote, context: context)
    }

    private func articleResponse(
        _ article: Article, page: Int, quoting quoteID: PostID?, draft: String = "", errors: [String] = [],
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let comments = try await shared.forum.topicPage(context.identity, topic: article.topicID, page: page)
        var quoted: QuotedPost?
        if let quoteID { quoted = try await shared.forum.quote(context.identity, of: quoteID) }
        let view = ArticlePageView.make(
            article, comments: comments, chrome: try await shared.frame(article.title, context, errors: errors),
            localization: pages.renderer.localization, language: context.language, now: shared.services.now(),
            canEdit: blog.isStaff(context.identity), quoting: quoted, draft: draft)
        return pages.html(view, template: ArticlePageView.template, status: status)
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let article = try await blog.article(context.identity, slug: context.parameters.get("slug") ?? "")
        let form = try await shared.postForm(&request, context)
        let quoteID = Int64(form.text("quote")).map(PostID.init(rawValue:))
        do {
            let post = try await blog.comment(
                context.identity, on: article.id, body: form.text("body"), quoting: quoteID)
            let page = (post.number - 1) / ForumService.postsPerPage + 1
            return SessionCookies.redirect(to: "/blog/\(article.slug)?page=\(page)#p\(post.number)")
        } catch HearthError.validation(let fields) {
            return try await articleResponse(
                article, page: Int.max, quoting: quoteID, draft: form.text("body"),
                errors: fields.map(\.message),
                status: .unprocessableContent, context: context)
        }
    }

    // MARK: Writing

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        try shared.services.policy.authorize(context.identity, .writeArticle, at: shared.services.now())
        return try await formPage(nil, action: "/blog/new", heading: "blog_newHeading", errors: [], context: context)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        try shared.services.policy.authorize(context.identity, .writeArticle, at: shared.services.now())
        let draft = try await readDraft(&request, context)
        do {
            let article = try await blog.create(context.identity, draft)
            return SessionCookies.redirect(to: "/blog/\(article.slug)")
        } catch HearthError.validation(let fields) {
            return try await formPage(
                draft, action: "/blog/new", heading: "blog_newHeading", errors: fields.map(\.message),
                status: .unprocessableContent, context: context)
        }
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        try shared.services.policy.authorize(context.identity, .writeArticle, at: shared.services.now())
        let article = try await blog.article(context.identity, slug: context.parameters.get("slug") ?? "")
        return try await formPage(
            Self.draft(of: article), action: "/blog/\(article.slug)/edit", heading: "blog_editHeading", errors: [],
            context: context)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        var request = request
        try shared.services.policy.authorize(context.identity, .writeArticle, at: shared.services.now())
        let article = try await blog.article(context.identity, slug: context.parameters.get("slug") ?? "")
        let draft = try await readDraft(&request, context)
        do {
            _ = try await blog.update(context.identity, article.id, draft)
            return SessionCookies.redirect(to: "/blog/\(article.slug)")
        } catch HearthError.validation(let fields) {
            return try await formPage(
                draft, action: "/blog/\(article.slug)/edit", heading: "blog_editHeading",
                errors: fields.map(\.message), status: .unprocessableContent, context: context)
        }
    }

    private func formPage(
        _ draft: ArticleDraft?, action: String, heading: String, errors: [String], status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let title = pages.text(heading, context)
        let view = ArticleFormPage(
            page: try await shared.frame(title, context, errors: errors), heading: title, action: action, draft: draft,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: ArticleFormPage.template, status: status)
    }

    /// The article form, with its cover and product image uploaded when files were chosen.
    private func readDraft(_ request: inout Request, _ context: Context) async throws -> ArticleDraft {
        let limit = shared.services.uploads.maximumBytes * 2 + 200_000
        guard let form = try await request.multipartForm(limit: limit) else {
            throw HearthError.invalid("body", "Send the article form as multipart/form-data.")
        }
        func field(_ name: String) -> String { form.text(name).trimmingCharacters(in: .whitespacesAndNewlines) }
        func upload(_ file: String, else path: String) async throws -> String? {
            if let image = form.files[file] {
                return try await shared.services.uploads.store(context.identity, bytes: image.bytes).path
            }
            return field(path).isEmpty ? nil : field(path)
        }
        let status = Article.Status(rawValue: field("status")) ?? .draft
        var publishAt: Date?
        if !field("publishAt").isEmpty {
            guard let date = try? Date(field("publishAt") + ":00Z", strategy: .iso8601) else {
                throw HearthError.invalid("publishAt", "Write the date as YYYY-MM-DDTHH:MM.")
            }
            publishAt = date
        }
        let productImage = try await upload("productImageFile", else: "productImage")
        return ArticleDraft(
            title: form.text("title"), body: form.text("body"), coverPath: try await upload("cover", else: "coverPath"),
            tags: ArticleDraft.tags(form.text("tags")), status: status, publishAt: publishAt,
            product: field("productName").isEmpty && field("productURL").isEmpty
                ? nil
                : Article.ProductCard(name: field("productName"), url: field("productURL"), imagePath: productImage))
    }

    static func draft(of article: Article) -> ArticleDraft {
        ArticleDraft(
            title: article.title, body: article.body, coverPath: article.coverPath, tags: article.tags,
            status: article.status, publishAt: article.publishAt, product: article.product)
    }
}
