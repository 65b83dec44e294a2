import Foundation
import HearthCore
import Hummingbird

/// The JSON API under `/api/v1`. Every route here is listed in `openapi.json`, and a test keeps the two
/// the same. Lists are paged by an opaque `cursor`; errors are `{"error":{"code":…,"message":…}}`.
struct APIController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    /// `openapi.json`, read once; the document is part of the build, so a missing one fails the tests.
    static let openAPIDocument: ByteBuffer? = Bundle.module.url(forResource: "OpenAPI/openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }.map { ByteBuffer(bytes: $0) }

    var forum: ForumService { services.forum }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/openapi.json", use: openAPI)
        group.get("/me", use: me)
        group.get("/members/:id", use: member)
        group.get("/categories", use: categories)
        group.post("/categories", use: createCategory)
        group.get("/topics", use: topics)
        group.post("/topics", use: createTopic)
        group.get("/topics/:id", use: topic)
        group.post("/topics/:id/posts", use: createPost)
        group.patch("/posts/:id", use: editPost)
        group.delete("/posts/:id", use: deletePost)
        group.post("/posts/:id/reactions", use: react)
        group.get("/notifications", use: notifications)
        group.get("/search", use: search)
        group.post("/uploads", use: upload)
        group.get("/articles", use: articles)
        group.post("/articles", use: createArticle)
        group.post("/articles/:id/comments", use: comment)
    }

    // MARK: Blog

    /// Articles, newest first (staff also see drafts and scheduled ones); `cursor` is the next page.
    @Sendable func articles(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.Article> {
        let page = try Self.numericCursor(request, atLeast: 1) ?? 1
        let (articles, more) = try await services.blog.list(context.identity, page: page)
        return APIModel.Page(items: articles.map(APIModel.Article.init), nextCursor: more ? String(page + 1) : nil)
    }

    @Sendable func createArticle(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.Article>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewArticle.self, context: context,
            shape:
                #"{"title": "…", "body": "…", "status": "draft|scheduled|published", "publishAt": "2026-12-01T09:00:00Z"}"#
        )
        guard let status = Article.Status(rawValue: input.status ?? "draft") else {
            throw HearthError.invalid("status", "status is draft, scheduled or published.")
        }
        var publishAt: Date?
        if let text = input.publishAt {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw HearthError.invalid("publishAt", "publishAt is an ISO 8601 date-time, like 2026-12-01T09:00:00Z.")
            }
            publishAt = date
        }
        let article = try await services.blog.create(
            context.identity,
            ArticleDraft(
                title: input.title, body: input.body, coverPath: input.coverUrl,
                tags: (input.tags ?? []).flatMap { ArticleDraft.tags($0) }, status: status, publishAt: publishAt,
                product: input.product.map { Article.ProductCard(name: $0.name, url: $0.url, imagePath: $0.imageUrl) }))
        return EditedResponse(status: .created, response: APIModel.Article(article))
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Post> {
        var request = request
        let id = ArticleID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.NewPost.self, context: context, shape: #"{"body": "…", "quotePostId": 12}"#)
        let post = try await services.blog.comment(
            context.identity, on: id, body: input.body, quoting: input.quotePostId.map(PostID.init(rawValue:)))
        return EditedResponse(status: .created, response: APIModel.Post(post))
    }

    /// Stores an image sent as multipart/form-data in the field `file`.
    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Upload> {
        var request = request
        guard let form = try await request.multipartForm(limit: services.uploads.maximumBytes + 100_000),
            let file = form.files["file"]
        else {
            throw HearthError.invalid("file", "Send the image as multipart/form-data in a field named file.")
        }
        let upload = try await services.uploads.store(context.identity, bytes: file.bytes)
        return EditedResponse(status: .created, response: APIModel.Upload(upload))
    }

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        guard let document = Self.openAPIDocument else {
            throw HearthError.unavailable("The API description is missing from this build.")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document))
    }

    @Sendable func me(_ request: Request, context: Context) async throws -> APIModel.Member {
        guard let member = context.identity?.member else {
            throw HearthError.unauthorized("Send `Authorization: Bearer <api key>` or log in first.")
        }
        return APIModel.Member(member, showEmail: true)
    }

    @Sendable func member(_ request: Request, context: Context) async throws -> APIModel.Member {
        let member = try await services.profiles.member(id: MemberID(try ForumPages.id(context)))
        return APIModel.Member(member, showEmail: member.id == context.identity?.member.id)
    }

    // MARK: Categories

    @Sendable func categories(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.Category> {
        APIModel.Page(items: try await forum.categories().map(APIModel.Category.init), nextCursor: nil)
    }

    @Sendable func createCategory(_ request: Request, context: Context) async throws -> EditedResponse<
        APIModel.Category
    > {
        var request = request
        let input = try await request.json(
            APIModel.NewCategory.self, context: context,
            shape:
                #"{"name": "Help", "description": "…", "startPolicy": "everyone|staff", "kind": "forum|announcements"}"#
        )
        guard let policy = Category.StartPolicy(rawValue: input.startPolicy ?? "everyone") else {
            throw HearthError.invalid("startPolicy", "startPolicy is everyone or staff.")
        }
        guard let kind = Category.Kind(rawValue: input.kind ?? "forum") else {
            throw HearthError.invalid("kind", "kind is forum or announcements.")
        }
        let category = try await forum.createCategory(
            context.identity, name: input.name, description: input.description ?? "", startPolicy: policy, kind: kind)
        return EditedResponse(status: .created, response: APIModel.Category(category))
    }

    // MARK: Topics

    @Sendable func topics(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.Topic> {
        let query = request.uri.queryParameters
        let category = try query.get("categoryId").map { value -> CategoryID in
            guard let id = Int64(value) else { throw HearthError.invalid("categoryId", "categoryId is a number.") }
            return CategoryID(id)
        }
        let cursor = try query.get("cursor").map { try TopicCursor(token: $0) }
        let limit = query.get("limit").flatMap { Int($0) } ?? 30
        let list = try await forum.topicList(context.identity, category: category, after: cursor, limit: limit)
        return APIModel.Page(
            items: list.topics.map { APIModel.Topic($0, unread: list.unread[$0.id]) }, nextCursor: list.next?.token)
    }

    @Sendable func createTopic(_ request: Request, context: Context) async throws -> EditedResponse<
        APIModel.CreatedTopic
    > {
        var request = request
        let input = try await request.json(
            APIModel.NewTopic.self, context: context, shape: #"{"categoryId": 1, "title": "…", "body": "…"}"#)
        let (topic, post) = try await forum.startTopic(
            context.identity, in: CategoryID(input.categoryId), title: input.title, body: input.body)
        return EditedResponse(
            status: .created, response: APIModel.CreatedTopic(topic: APIModel.Topic(topic), post: APIModel.Post(post)))
    }

    /// A topic with one page of its posts; `cursor` is the page to read next.
    @Sendable func topic(_ request: Request, context: Context) async throws -> APIModel.TopicWithPosts {
        let id = TopicID(try ForumPages.id(context))
        let page = try Self.numericCursor(request, atLeast: 1) ?? 1
        let topicPage = try await forum.topicPage(context.identity, topic: id, page: page)
        let posts = topicPage.posts.map { post in
            APIModel.Post(
                post, tally: topicPage.reactions[post.id], hidden: !topicPage.visibility(of: post).isShown)
        }
        return APIModel.TopicWithPosts(
            topic: APIModel.Topic(topicPage.topic), category: APIModel.Category(topicPage.category), posts: posts,
            nextCursor: topicPage.page < topicPage.pageCount && page == topicPage.page
                ? String(topicPage.page + 1) : nil)
    }

    @Sendable func createPost(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Post> {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.NewPost.self, context: context, shape: #"{"body": "…", "quotePostId": 12}"#)
        let post = try await forum.reply(
            context.identity, to: id, body: input.body, quoting: input.quotePostId.map(PostID.init(rawValue:)))
        return EditedResponse(status: .created, response: APIModel.Post(post))
    }

    // MARK: Posts

    @Sendable func editPost(_ request: Request, context: Context) async throws -> APIModel.Post {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let input = try await request.json(APIModel.PostEdit.self, context: context, shape: #"{"body": "…"}"#)
        return APIModel.Post(try await forum.edit(context.identity, post: id, body: input.body))
    }

    @Sendable func deletePost(_ request: Request, context: Context) async throws -> Response {
        try await forum.delete(context.identity, post: PostID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func react(_ request: Request, context: Context) async throws -> APIModel.ReactionState {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let input = try await request.json(APIModel.NewReaction.self, context: context, shape: #"{"kind": "like"}"#)
        guard let kind = ReactionKind(rawValue: input.kind) else {
            let kinds = ReactionKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw HearthError.invalid("kind", "kind is one of \(kinds).")
        }
        let active = try await forum.react(context.identity, to: id, with: kind)
        return APIModel.ReactionState(kind: kind.rawValue, active: active)
    }

    // MARK: Search

    /// Matching posts, best first; `cursor` is the offset of the next page.
    @Sendable func search(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.SearchResult> {
        let parameters = request.uri.queryParameters
        let offset = try Self.numericCursor(request, atLeast: 0) ?? 0
        guard let query = try SearchParameters.query(parameters, offset: offset) else {
            throw HearthError.invalid("q", "Type at least one word to search for.")
        }
        let (hits, more) = try await services.search.search(context.identity, query)
        return APIModel.Page(
            items: hits.map(APIModel.SearchResult.init), nextCursor: more ? String(offset + hits.count) : nil)
    }

    /// A `cursor` that is a number (a page, an offset or an id); anything else is a clear 422.
    static func numericCursor(_ request: Request, atLeast minimum: Int) throws -> Int? {
        guard let value = request.uri.queryParameters.get("cursor") else { return nil }
        guard let number = Int(value), number >= minimum else {
            throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
        }
        return number
    }

    // MARK: Notifications

    @Sendable func notifications(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.Notification>
    {
        let before = try Self.numericCursor(request, atLeast: 1).map { NotificationID(Int64($0)) }
        let limit = 30
        let items = try await forum.notifications(context.identity, before: before, limit: limit)
        return APIModel.Page(
            items: items.map(APIModel.Notification.init),
            nextCursor: items.count == limit ? items.last.map { String($0.id.rawValue) } : nil)
    }
}
