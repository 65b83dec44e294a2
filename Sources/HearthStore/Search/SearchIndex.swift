import Foundation
import HearthCore
import SQLKit

/// The engine-specific half of search: SQLite's FTS5 or PostgreSQL's tsvector. Both index the same folded
/// text (`SearchText.document`), and both match every query word as a prefix ("export" finds "exporting"),
/// so the two engines find the same posts; only the ranking functions differ (bm25 / ts_rank).
protocol SearchIndex: Sendable {
    /// Creates the index tables; run by the search migration.
    func create(_ sql: any SQLDatabase) async throws
    /// Creates what `enqueue` needs; run by the search backlog migration.
    func createBacklog(_ sql: any SQLDatabase) async throws
    /// Writes a post's entry now, replacing any. The title is the topic's, for opening posts only.
    func index(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws
    /// Asks for a post's entry to be written or rewritten, from the post's text as committed: at once on
    /// PostgreSQL, by the next `catchUp` on SQLite.
    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws
    /// Whether entries are waiting for `catchUp`.
    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool
    /// Writes at most `limit` waiting entries and returns how many it took.
    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int
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
    var filters: SQLQueryString = " AND " + PublicPosts.condition
    if let category = query.categoryID { filters = filters + " AND t.category_id = \(bind: category.rawValue)" }
    if !query.excludedCategories.isEmpty {
        let ids = query.excludedCategories.map { String($0.rawValue) }.joined(separator: ",")
        filters = filters + " AND t.category_id NOT IN (\(unsafeRaw: ids))"
    }
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

    /// FTS5 writes a transaction's new entries out as a segment, and merges segments, at commit and at every
    /// statement journal (most writes open one). A reply written with its entry paid that per reply: over a
    /// third of the CPU of creating a post. Posts are therefore queued in `search_backlog` by their own
    /// transaction (so none is lost) and indexed in batches of hundreds, by a background task and by every
    /// search before it runs, so search still finds what was just posted.
    func createBacklog(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE search_backlog (post_id INTEGER PRIMARY KEY)").run()
    }

    func index(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM search_posts WHERE rowid = \(bind: postID)").run()
        try await sql.raw(
            """
            INSERT INTO search_posts (rowid, title, body) \
            VALUES (\(bind: postID), \(bind: SearchText.document(title)), \(bind: SearchText.document(body)))
            """
        ).run()
    }

    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT OR IGNORE INTO search_backlog (post_id) VALUES (\(bind: postID))").run()
    }

    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT post_id FROM search_backlog LIMIT 1").first() != nil
    }

    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int {
        // Writes hold the single writer, so nothing joins the backlog while this runs: the first `limit` ids
        // are exactly the rows removed below. Posts removed since they were queued have nothing to index.
        // An article is indexed as the opening post of its comments topic, with the article's own text.
        let rows = try await sql.raw(
            """
            SELECT b.post_id, p.number, COALESCE(r.body, p.body) AS body, COALESCE(r.title, t.title) AS title \
            FROM search_backlog b LEFT JOIN posts p ON p.id = b.post_id LEFT JOIN topics t ON t.id = p.topic_id \
            LEFT JOIN articles r ON r.topic_id = p.topic_id AND p.number = 1 \
            ORDER BY b.post_id LIMIT \(bind: limit)
            """
        ).all()
        guard let last = rows.last else { return 0 }
        for row in rows {
            guard let body = try row.decode(column: "body", as: String?.self),
                let title = try row.decode(column: "title", as: String?.self)
            else { continue }
            let number = try row.decode(column: "number", as: Int.self)
            try await index(
                postID: try row.decode(column: "post_id", as: Int64.self), title: number == 1 ? title : "",
                body: body, sql)
        }
        let through = try last.decode(column: "post_id", as: Int64.self)
        try await sql.raw("DELETE FROM search_backlog WHERE post_id <= \(bind: through)").run()
        return rows.count
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

    /// PostgreSQL's GIN index queues new entries itself (its pending list), so posts are indexed as written.
    func createBacklog(_ sql: any SQLDatabase) async throws {}

    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await index(postID: postID, title: title, body: body, sql)
    }

    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool { false }

    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int { 0 }

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
        // A catch-up that cannot write (a full disk) still leaves the index to search, minus the newest posts.
        _ = try? await catchUp()
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

    /// Indexes the posts written since the last catch-up, a few hundred per transaction.
    @discardableResult
    public func catchUp() async throws -> Int {
        let index = database.engine.searchIndex
        let batch = 500
        // The read keeps an empty queue (the usual case) from taking the single writer.
        guard try await database.read({ sql in try await index.hasBacklog(sql) }) else { return 0 }
        var total = 0
        while true {
            let taken = try await database.write { sql in try await index.catchUp(limit: batch, sql) }
            total += taken
            if taken < batch { return total }
        }
    }
}
