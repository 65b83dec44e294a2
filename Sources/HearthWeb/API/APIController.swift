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
        let publishAt = try input.publishAt.map { text in
            guard let date = RFC3339.dateTime(text) else {
                throw HearthError.invalid("publishAt", "publishAt is an RFC 3339 date-time, like 2026-12-01T09:00:00Z.")
            }
            return date
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
        let post = try await Self.resolvingQuote {
            try await services.blog.comment(
                context.identity, on: id, body: input.body, quoting: input.quotePostId.map(PostID.init(rawValue:)))
        }
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
        APIModel.Page(
            items: try await forum.categories(readableBy: context.identity).map(APIModel.Category.init), nextCursor: nil
        )
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
        // The comments category is the blog's own: it makes it when the first article is written.
        guard let kind = Category.Kind(rawValue: input.kind ?? "forum"), kind != .comments else {
            throw HearthError.invalid("kind", "kind is forum or announcements.")
        }
        let category = try await forum.createCategory(
            context.identity, name: input.name, description: input.description ?? "", startPolicy: policy, kind: kind)
        return EditedResponse(status: .created, response: APIModel.Category(category))
    }

    // MARK: Topics

    /// A list's `limit` query parameter: 1 to 100, `fallback` when left out.
    static func limit(_ text: String?, default fallback: Int) throws -> Int {
        guard let text else { return fallback }
        guard let limit = Int(text), (1...100).contains(limit) else {
            throw HearthError.invalid("limit", "limit is a whole number from 1 to 100.")
        }
        return limit
    }

    @Sendable func topics(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.Topic> {
        let query = request.uri.queryParameters
        let category = try query.get("categoryId").map { value -> CategoryID in
            guard let id = Int64(value) else { throw HearthError.invalid("categoryId", "categoryId is a number.") }
            return CategoryID(id)
        }
        let cursor = try query.get("cursor").map(Self.topicCursor)
        let limit = try Self.limit(query.get("limit"), default: 30)
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
                post, tally: topicPage.reactions[post.id], hidden: !topicPage.visibility(of: post).isShown,
                forStaff: topicPage.powers.seeRemoved, reading: topicPage.readings[post.id])
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
        let post = try await Self.resolvingQuote {
            try await forum.reply(
                context.identity, to: id, body: input.body, quoting: input.quotePostId.map(PostID.init(rawValue:)))
        }
        return EditedResponse(status: .created, response: APIModel.Post(post))
    }

    // MARK: Posts

    @Sendable func editPost(_ request: Request, context: Context) async throws -> APIModel.Post {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let input = try await request.json(APIModel.PostEdit.self, context: context, shape: #"{"body": "…"}"#)
        return APIModel.Post(
            try await forum.edit(context.identity, post: id, body: input.body, basedOn: input.basedOn))
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
        // The search page treats an empty field as one left out; the API takes what openapi.json says.
        if let category = parameters.get("category"), Int64(category) == nil {
            throw HearthError.invalid("category", "category is a category id.")
        }
        for field in ["from", "to"] where parameters.get(field).map(RFC3339.isFullDate) == false {
            throw CalendarDay.invalid(field)
        }
        guard
            let query = try SearchParameters.query(
                parameters, offset: offset, timeZone: services.delegation.communityTimeZone)
        else {
            throw HearthError.invalid("q", "Type at least one word to search for.")
        }
        // A query without a word, or a range that ends before it starts, finds nothing; the search page says
        // why instead. The dates are YYYY-MM-DD here, so they compare as text.
        var endsBeforeStart = false
        if let from = parameters.get("from"), let to = parameters.get("to") { endsBeforeStart = from > to }
        if query.terms.isEmpty || endsBeforeStart {
            return APIModel.Page(items: [], nextCursor: nil)
        }
        let (hits, more) = try await services.search.search(context.identity, query)
        return APIModel.Page(
            items: hits.map(APIModel.SearchResult.init), nextCursor: more ? String(offset + hits.count) : nil)
    }

    /// A `cursor` that is a number (a page, an offset or an id) written as `nextCursor` writes it, with at most
    /// `digits` digits; anything else is a clear 422. Pages and offsets stop at nine digits, so that
    /// arithmetic on them cannot overflow.
    static func numericCursor(_ request: Request, atLeast minimum: Int, digits: Int = 9) throws -> Int? {
        guard let value = request.uri.queryParameters.get("cursor") else { return nil }
        guard let number = canonicalNumber(Substring(value), digits: digits), number >= minimum else {
            throw invalidCursor
        }
        return number
    }

    /// The topic list's `cursor`, `pinned.lastPostedAt.id`, exactly as `nextCursor` writes it.
    static func topicCursor(_ value: String) throws -> TopicCursor {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "0" || parts[0] == "1",
            parts.dropFirst().allSatisfy({ canonicalNumber($0, digits: 18) != nil })
        else { throw invalidCursor }
        return try TopicCursor(token: value)
    }

    /// `text` as a number when it is written as `String(_:)` writes one (no `+`, no leading zero) in at most
    /// `digits` digits: the forms openapi.json's cursor patterns allow.
    static func canonicalNumber(_ text: Substring, digits: Int) -> Int? {
        guard let number = Int(text), String(number) == text, text.count - (number < 0 ? 1 : 0) <= digits else {
            return nil
        }
        return number
    }

    static let invalidCursor = HearthError.invalid(
        "cursor", "This page link is not valid; start again from the first page.")

    /// Runs a reply. Quoting a post that does not exist or was deleted is, to the API, a reference that does not
    /// resolve: 404, as for a missing `categoryId`. The reply form shows the same sentence as a 422 above the
    /// kept draft.
    static func resolvingQuote(_ reply: () async throws -> Post) async throws -> Post {
        do {
            return try await reply()
        } catch HearthError.validation(let fields) where fields.map(\.field) == ["quotePostId"] {
            throw HearthError.notFound(fields[0].message)
        }
    }

    // MARK: Notifications

    @Sendable func notifications(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.Notification>
    {
        let before = try Self.numericCursor(request, atLeast: 1, digits: 18).map { NotificationID(Int64($0)) }
        let limit = 30
        let items = try await forum.notifications(context.identity, before: before, limit: limit)
        return APIModel.Page(
            items: items.map(APIModel.Notification.init),
            nextCursor: items.count == limit ? items.last.map { String($0.id.rawValue) } : nil)
    }
}

// MARK: - RFC 3339

/// Dates and times as openapi.json's `format: date-time` and `format: date` mean them (RFC 3339, as JSON Schema
/// reads it): `2026-12-01T09:00:00Z`, an optional fraction, `Z` or an offset up to ±23:59, `T` and `Z` in either
/// case, real calendar days, and a leap second only at 23:59:60 UTC. Foundation's ISO 8601 parser takes
/// 12:99 and 30 February, and refuses offsets past 18 hours.
enum RFC3339 {
    static func dateTime(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let days = days(bytes), bytes[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(bytes, 11), bytes[13] == UInt8(ascii: ":"), let minute = number(bytes, 14),
            bytes[16] == UInt8(ascii: ":"), let second = number(bytes, 17), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start, let value = Double("0." + String(decoding: bytes[start..<index], as: UTF8.self))
            else { return nil }
            fraction = value
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] | 0x20 == UInt8(ascii: "z"), index + 1 == bytes.count {
            offset = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
            let hours = number(bytes, index + 1), bytes[index + 3] == UInt8(ascii: ":"),
            let minutes = number(bytes, index + 4), hours < 24, minutes < 60
        {
            offset = (bytes[index] == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes)
        } else {
            return nil
        }
        let utcMinute = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440
        guard second < 60 || utcMinute == 1439 else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// Whether `text` is a full date, `YYYY-MM-DD`, of the calendar.
    static func isFullDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && days(bytes) != nil
    }

    /// Days from 1970-01-01 to the `YYYY-MM-DD` date the bytes start with, or nil when they do not.
    private static func days(_ bytes: [UInt8]) -> Int? {
        guard let century = number(bytes, 0), let yearOfCentury = number(bytes, 2), bytes[4] == UInt8(ascii: "-"),
            let month = number(bytes, 5), bytes[7] == UInt8(ascii: "-"), let day = number(bytes, 8),
            (1...12).contains(month)
        else { return nil }
        let year = century * 100 + yearOfCentury
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Howard Hinnant's days_from_civil; years here are 0 to 9999.
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The two ASCII digits at `index`, as a number.
    private static func number(_ bytes: [UInt8], _ index: Int) -> Int? {
        guard index + 1 < bytes.count, isDigit(bytes[index]), isDigit(bytes[index + 1]) else { return nil }
        return Int(bytes[index] - UInt8(ascii: "0")) * 10 + Int(bytes[index + 1] - UInt8(ascii: "0"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
