import Foundation
import HearthCore
import SQLKit

/// Articles in the `articles` table, with their author joined in.
public struct SQLArticleRepository: ArticleRepository {
    private let database: HearthDatabase
    private let forum: SQLForumRepository

    public init(database: HearthDatabase) {
        self.database = database
        self.forum = SQLForumRepository(database: database)
    }

    public func create(
        _ draft: ArticleDraft, slug: String, html: String, authorID: MemberID, commentsCategory: CategoryID,
        firstPost: NewPost, at date: Date
    ) async throws -> Article {
        // The comments topic first (its own transaction), then the article; an article is never without one.
        let (topic, _) = try await forum.createTopic(
            categoryID: commentsCategory, title: draft.title, firstPost: firstPost)
        let id = try await database.write { sql in
            try await sql.insert(into: "articles")
                .columns(
                    "slug", "title", "body", "html", "cover_path", "tags", "status", "publish_at", "product_name",
                    "product_url", "product_image", "author_id", "topic_id", "created_at", "updated_at"
                )
                .values(
                    SQLBind(slug), SQLBind(draft.title), SQLBind(draft.body), SQLBind(html), SQLBind(draft.coverPath),
                    SQLBind(draft.tags.joined(separator: ",")), SQLBind(draft.status.rawValue),
                    SQLBind(draft.publishAt?.millisecondsSince1970), SQLBind(draft.product?.name),
                    SQLBind(draft.product?.url), SQLBind(draft.product?.imagePath), SQLBind(authorID.rawValue),
                    SQLBind(topic.id.rawValue), SQLBind(date.millisecondsSince1970), SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        }
        guard let id, let article = try await find(id: ArticleID(id)) else {
            throw HearthError.unavailable("The article could not be saved.")
        }
        try await indexForSearch(article)
        return article
    }

    public func update(_ id: ArticleID, _ draft: ArticleDraft, html: String, at date: Date) async throws -> Article? {
        try await database.write { sql in
            try await sql.update("articles")
                .set("title", to: draft.title).set("body", to: draft.body).set("html", to: html)
                .set("cover_path", to: draft.coverPath).set("tags", to: draft.tags.joined(separator: ","))
                .set("status", to: draft.status.rawValue).set("publish_at", to: draft.publishAt?.millisecondsSince1970)
                .set("product_name", to: draft.product?.name).set("product_url", to: draft.product?.url)
                .set("product_image", to: draft.product?.imagePath).set("updated_at", to: date.millisecondsSince1970)
                .where("id", .equal, id.rawValue).run()
            // The comments topic carries the article's title (notifications and search results show it).
            try await sql.raw(
                """
                UPDATE topics SET title = \(bind: draft.title) \
                WHERE id = (SELECT topic_id FROM articles WHERE id = \(bind: id.rawValue))
                """
            ).run()
        }
        guard let article = try await find(id: id) else { return nil }
        try await indexForSearch(article)
        return article
    }

    /// The article's text goes into the search index as its comments topic's opening post, so that one
    /// search covers topics, posts, articles and comments.
    private func indexForSearch(_ article: Article) async throws {
        let index = database.engine.searchIndex
        try await database.write { sql in
            guard
                let postID = try await sql.select().column("id").from("posts")
                    .where("topic_id", .equal, article.topicID.rawValue).where("number", .equal, 1)
                    .first(decodingColumn: "id", as: Int64.self)
            else { return }
            try await index.enqueue(postID: postID, title: article.title, body: article.body, sql)
        }
    }

    public func find(id: ArticleID) async throws -> Article? {
        try await one("r.id = \(bind: id.rawValue)")
    }

    public func find(slug: String) async throws -> Article? {
        try await one("r.slug = \(bind: slug)")
    }

    public func find(topicID: TopicID) async throws -> Article? {
        try await one("r.topic_id = \(bind: topicID.rawValue)")
    }

    public func list(visibleAt: Date?, limit: Int, offset: Int) async throws -> [Article] {
        var condition: SQLQueryString = "1 = 1"
        if let visibleAt {
            condition =
                "(r.status = 'published' OR (r.status = 'scheduled' AND r.publish_at <= \(bind: visibleAt.millisecondsSince1970)))"
        }
        let statement =
            Self.select + " WHERE " + condition
            + " ORDER BY COALESCE(r.publish_at, r.created_at) DESC, r.id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)"
        return try await database.read { sql in try await sql.raw(statement).all().map(Self.article) }
    }

    private func one(_ condition: SQLQueryString) async throws -> Article? {
        let statement = Self.select + " WHERE " + condition
        return try await database.read { sql in try await sql.raw(statement).first().map(Self.article) }
    }

    static let select: SQLQueryString = """
        SELECT r.id, r.slug, r.title, r.body, r.html, r.cover_path, r.tags, r.status, r.publish_at, r.product_name, \
        r.product_url, r.product_image, r.topic_id, r.created_at, r.updated_at, a.id AS a_id, a.handle AS a_handle, \
        a.display_name AS a_display_name, a.role AS a_role FROM articles r JOIN members a ON a.id = r.author_id
        """

    @Sendable static func article(_ row: any SQLRow) throws -> Article {
        guard let status = Article.Status(rawValue: try row.decode(column: "status", as: String.self)) else {
            throw HearthError.unavailable("An article record is damaged.")
        }
        let productName = try row.decode(column: "product_name", as: String?.self)
        let productURL = try row.decode(column: "product_url", as: String?.self)
        let tags = try row.decode(column: "tags", as: String.self)
        return Article(
            id: ArticleID(try row.decode(column: "id", as: Int64.self)),
            slug: try row.decode(column: "slug", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            body: try row.decode(column: "body", as: String.self),
            html: try row.decode(column: "html", as: String.self),
            coverPath: try row.decode(column: "cover_path", as: String?.self),
            tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init), status: status,
            publishAt: try SQLForumRepository.optionalDate(row, "publish_at"),
            product: productName.flatMap { name in
                productURL.map {
                    Article.ProductCard(
                        name: name, url: $0, imagePath: try? row.decode(column: "product_image", as: String?.self))
                }
            },
            author: try SQLMemberRepository.summary(row, prefix: "a_"),
            topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
            createdAt: try SQLForumRepository.date(row, "created_at"),
            updatedAt: try SQLForumRepository.date(row, "updated_at"))
    }
}
