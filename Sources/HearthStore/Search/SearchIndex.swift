import Foundation
import HearthCore
import SQLKit

/// The engine-specific half of search: SQLite's FTS5 or PostgreSQL's tsvector. Both index the same folded
/// text (`SearchText.document`), and both match every query word as a prefix ("export" finds "exporting"),
/// so the two engines find the same posts; only the ranking functions differ (bm25 / ts_rank).
protocol SearchIndex: Sendable {
    /// Creates the index tables; run by the search migration.
    func create(_ sql: any SQLDatabase) async throws
    /// Adds or replaces a post's entry. The title is the topic's, for opening posts only.
    func index(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws
    /// Adds the entry of a post just written, which has none yet.
    func add(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws
    /// The matching post ids, best first, among visible posts that pass the filters.
    func search(_ query: SearchQuery, terms: [String], _ sql: any SQLDatabase) async throws -> [Int64]
}

extension DatabaseEngine {
    var searchIndex: any SearchIndex {
        switch self {
        case .sqlite: FTS5SearchIndex()
        case .postgres: TSVectorSearchIndex()
        }
    }
}

/// Conditions both engines add to a search: visible posts in visible topics, and the query's filters.
/// Assumes posts `p`, topics `t` and members `a` are joined.
func searchFilters(_ query: SearchQuery) -> SQLQueryString {
    var filters: SQLQueryString = " AND p.deleted_at IS NULL AND t.deleted_at IS NULL"
    if let category = query.categoryID { filters = filters + " AND t.category_id = \(bind: category.rawValue)" }
    if let author = query.authorHandle { filters = filters + " AND a.handle = \(bind: author.lowercased())" }
    if let from = query.from { filters = filters + " AND p.created_at >= \(bind: from.millisecondsSince1970)" }
    if let to = query.to { filters = filters + " AND p.created_at < \(bind: to.millisecondsSince1970)" }
    return filters
}

struct FTS5SearchIndex: SearchIndex {
    func create(_ sql: any SQLDatabase) async throws {
        try await sql.raw(
            "CREATE VIRTUAL TABLE search_posts USING fts5(title, body, tokenize = 'unicode61', prefix = '2 3')"
        ).run()
    }

    func index(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM search_posts WHERE rowid = \(bind: postID)").run()
        try await add(postID: postID, title: title, body: body, sql)
    }

    func add(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO search_posts (rowid, title, body) \
            VALUES (\(bind: postID), \(bind: SearchText.document(title)), \(bind: SearchText.document(body)))
            """
        ).run()
    }

    func search(_ query: SearchQuery, terms: [String], _ sql: any SQLDatabase) async throws -> [Int64] {
        // Each term quoted (so FTS5 operators typed by the person mean nothing) and matched as a prefix.
        let match = terms.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"*" }.joined(separator: " ")
        let statement: SQLQueryString =
            """
            SELECT p.id FROM search_posts JOIN posts p ON p.id = search_posts.rowid \
            JOIN topics t ON t.id = p.topic_id JOIN members a ON a.id = p.author_id \
            WHERE search_posts MATCH \(bind: match)
            """ + searchFilters(query)
            + " ORDER BY bm25(search_posts, 10.0, 1.0), p.id DESC LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)"
        return try await sql.raw(statement).all().map { try $0.decode(column: "id", as: Int64.self) }
    }
}

struct TSVectorSearchIndex: SearchIndex {
    func create(_ sql: any SQLDatabase) async throws {
        try await sql.create(table: "search_posts")
            .column(
                "post_id", type: .bigint, .primaryKey(autoIncrement: false),
                .references("posts", "id", onDelete: .cascade)
            )
            .column("document", type: .custom(SQLRaw("tsvector")), .notNull)
            .run()
        try await sql.raw("CREATE INDEX search_posts_document ON search_posts USING GIN (document)").run()
    }

    func index(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO search_posts (post_id, document) VALUES (\(bind: postID), \
            setweight(to_tsvector('simple', \(bind: SearchText.document(title))), 'A') || \
            setweight(to_tsvector('simple', \(bind: SearchText.document(body))), 'B')) \
            ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document
            """
        ).run()
    }

    func add(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await index(postID: postID, title: title, body: body, sql)
    }

    func search(_ query: SearchQuery, terms: [String], _ sql: any SQLDatabase) async throws -> [Int64] {
        // Terms are letters and digits only (SearchText), so they cannot carry tsquery operators.
        let match = terms.map { "\($0):*" }.joined(separator: " & ")
        let statement: SQLQueryString =
            """
            SELECT p.id, ts_rank(s.document, to_tsquery('simple', \(bind: match))) AS rank FROM search_posts s \
            JOIN posts p ON p.id = s.post_id JOIN topics t ON t.id = p.topic_id JOIN members a ON a.id = p.author_id \
            WHERE s.document @@ to_tsquery('simple', \(bind: match))
            """ + searchFilters(query)
            + " ORDER BY rank DESC, p.id DESC LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)"
        return try await sql.raw(statement).all().map { try $0.decode(column: "id", as: Int64.self) }
    }
}

/// Full-text search over posts, on whichever engine the database runs.
public struct SQLSearchRepository: SearchRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func search(_ query: SearchQuery) async throws -> [SearchHit] {
        let terms = query.terms
        guard !terms.isEmpty else { return [] }
        let index = database.engine.searchIndex
        return try await database.scan { sql in
            let ids = try await index.search(query, terms: terms, sql)
            guard !ids.isEmpty else { return [] }
            let list = ids.map(String.init).joined(separator: ",")
            let posts = try await SQLForumRepository.posts(where: "p.id IN (\(unsafeRaw: list))", sql)
            let topics = try await sql.raw(
                "SELECT id, title, category_id FROM topics WHERE id IN (\(unsafeRaw: Set(posts.map { String($0.topicID.rawValue) }).joined(separator: ",")))"
            ).all()
            var titles: [Int64: (String, Int64)] = [:]
            for row in topics {
                titles[try row.decode(column: "id", as: Int64.self)] = (
                    try row.decode(column: "title", as: String.self),
                    try row.decode(column: "category_id", as: Int64.self)
                )
            }
            let byID = Dictionary(uniqueKeysWithValues: posts.map { ($0.id.rawValue, $0) })
            return ids.compactMap { id in
                guard let post = byID[id], let (title, category) = titles[post.topicID.rawValue] else { return nil }
                return SearchHit(post: post, topicTitle: title, categoryID: CategoryID(category))
            }
        }
    }
}
