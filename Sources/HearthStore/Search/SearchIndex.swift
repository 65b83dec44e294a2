import Foundation
import HearthCore
import SQLKit

/// The engine-specific half of search: SQLite's FTS5 or PostgreSQL's tsvector. Both index the same folded
/// text (`SearchText.document`) with the same scope words (`SearchScope`), and both match the same query
/// (`SearchMatch`), so the two engines find the same posts; only the ranking functions differ.
///
/// Both stay flat as the community grows: a search reads the newest `SearchMatch.window` matching posts that pass
/// its filters, newest first from the index (so a common word stops after those), and ranks only them. The
/// filters that could leave most matches out (category, author, dates, unreadable categories) are in the index
/// itself, rather than conditions checked on each match's post: words intersected by FTS5; on PostgreSQL words for
/// dates and columns with their own indexes for category and author (see `TSVectorSearchIndex`).
protocol SearchIndex: Sendable {
    /// Creates the index tables; run by the search migrations.
    func create(_ sql: any SQLDatabase) async throws
    /// Creates what `enqueue` needs; run by the search backlog migration.
    func createBacklog(_ sql: any SQLDatabase) async throws
    /// Writes a post's entry now, replacing any. The title is the topic's, for opening posts only.
    func index(_ entry: SearchEntry, _ sql: any SQLDatabase) async throws
    /// Asks for a post's entry to be written or rewritten, from the post's text as committed: at once on
    /// PostgreSQL, by the next `catchUp` on SQLite.
    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws
    /// Gives the entries of a category's posts the scope word of the category its topics move to; run before the
    /// move, in its transaction.
    func moveCategory(from: Int64, to: Int64, _ sql: any SQLDatabase) async throws
    /// Whether entries are waiting for `catchUp`.
    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool
    /// Writes at most `limit` waiting entries and returns how many it took.
    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int
    /// The matching post ids, best first, among the newest `SearchMatch.window` visible posts that pass the filters.
    func search(_ match: SearchMatch, _ query: SearchQuery, _ sql: any SQLDatabase) async throws -> [Int64]
    /// Drops the indexes that `createIndexes` builds, for an import to write its entries without their upkeep.
    func dropIndexes(_ sql: any SQLDatabase) async throws
    /// Builds the indexes of the entries, each unless it is there.
    func createIndexes(_ sql: any SQLDatabase) async throws
}

extension DatabaseEngine {
    var searchIndex: any SearchIndex {
        switch self {
        case .sqlite: FTS5SearchIndex()
        case .postgres: TSVectorSearchIndex()
        }
    }
}

/// What one post's index entry holds.
struct SearchEntry: Sendable {
    var postID: Int64
    var title: String
    var body: String
    var scope: SearchScope
}

/// Reads what an entry needs of a post: its text, the topic's title (or the article's, for an article's opening
/// post) and its scope. Assumes the post is `p`.
let searchEntryColumns: SQLQueryString = """
    p.id AS post_id, p.number, p.author_id, p.created_at, t.category_id, r.body AS article_body, p.content, \
    COALESCE(r.title, t.title) AS title
    """
let searchEntryJoins: SQLQueryString = """
    JOIN topics t ON t.id = p.topic_id LEFT JOIN articles r ON r.topic_id = p.topic_id AND p.number = 1
    """

/// `body`, when given, is the text being written, which the row does not hold yet (then the stored one is not read).
func searchEntry(_ row: any SQLRow, body: String? = nil) throws -> SearchEntry {
    let number = try row.decode(column: "number", as: Int.self)
    return SearchEntry(
        postID: try row.decode(column: "post_id", as: Int64.self),
        title: number == 1 ? try row.decode(column: "title", as: String.self) : "",
        body: try body ?? row.decode(column: "article_body", as: String?.self) ?? PostContent.markdown(row),
        scope: SearchScope(
            categoryID: try row.decode(column: "category_id", as: Int64.self),
            authorID: try row.decode(column: "author_id", as: Int64.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self)))
}

struct FTS5SearchIndex: SearchIndex {
    /// Contentless (`content=''`): the text is in `posts` already, and a second copy was a third of the file.
    /// `contentless_delete` lets a post's entry be replaced; `hearth_rank` (SearchRanking) needs the column sizes.
    /// `detail = column`: which columns hold a word, not where (its positions were half the index). The `ascii`
    /// tokenizer splits only on ASCII spaces and punctuation: the documents are `SearchText`'s words, folded and
    /// joined by spaces, so each of them is one token (unicode61 split some of them, "हिन्दी" among them, and a query
    /// word made of two tokens is a phrase, which `detail = column` refuses).
    func create(_ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            CREATE VIRTUAL TABLE search_posts USING fts5(title, body, scope, content = '', contentless_delete = 1, \
            tokenize = 'ascii', prefix = '2 3', detail = column)
            """
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

    func index(_ entry: SearchEntry, _ sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM search_posts WHERE rowid = \(bind: entry.postID)").run()
        try await sql.raw(
            """
            INSERT INTO search_posts (rowid, title, body, scope) \
            VALUES (\(bind: entry.postID), \(bind: SearchText.document(entry.title)), \
            \(bind: SearchText.document(entry.body)), \(bind: entry.scope.words.joined(separator: " ")))
            """
        ).run()
    }

    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT OR IGNORE INTO search_backlog (post_id) VALUES (\(bind: postID))").run()
    }

    func moveCategory(from: Int64, to: Int64, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT OR IGNORE INTO search_backlog (post_id) SELECT p.id FROM topics t JOIN posts p ON p.topic_id = t.id \
            WHERE t.category_id = \(bind: from)
            """
        ).run()
    }

    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT post_id FROM search_backlog LIMIT 1").first() != nil
    }

    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int {
        // Writes hold the single writer, so nothing joins the backlog while this runs: the first `limit` ids
        // are exactly the rows removed below. Posts removed since they were queued have nothing to index.
        let queued = try await sql.raw(
            "SELECT post_id FROM search_backlog ORDER BY post_id LIMIT \(bind: limit)"
        ).all(decodingColumn: "post_id", as: Int64.self)
        guard let through = queued.last else { return 0 }
        let rows = try await sql.raw(
            "SELECT " + searchEntryColumns + " FROM posts p " + searchEntryJoins
                + " WHERE p.id >= \(bind: queued[0]) AND p.id <= \(bind: through) AND p.id IN (SELECT post_id FROM search_backlog WHERE post_id <= \(bind: through))"
        ).all()
        for row in rows { try await index(try searchEntry(row), sql) }
        try await sql.raw("DELETE FROM search_backlog WHERE post_id <= \(bind: through)").run()
        return queued.count
    }

    /// FTS5 is its own index: its entries are written as segments and merged, never row by row.
    func dropIndexes(_ sql: any SQLDatabase) async throws {}

    func createIndexes(_ sql: any SQLDatabase) async throws {}

    func search(_ match: SearchMatch, _ query: SearchQuery, _ sql: any SQLDatabase) async throws -> [Int64] {
        // The inner query walks the index newest first and stops at the window; only those are ranked.
        let statement: SQLQueryString =
            """
            SELECT id FROM (SELECT p.id, hearth_rank(search_posts) AS rank FROM search_posts \
            JOIN posts p ON p.id = search_posts.rowid JOIN topics t ON t.id = p.topic_id \
            WHERE search_posts MATCH \(bind: match.fts5)
            """ + searchFilters(query)
                + """
                 ORDER BY search_posts.rowid DESC LIMIT \(bind: SearchMatch.window)) \
                ORDER BY rank DESC, id DESC LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)
                """
        return try await sql.raw(statement).all().map { try $0.decode(column: "id", as: Int64.self) }
    }
}

/// A post's entry is its category, its author and one tsvector: the title's words with their places (weight A), the
/// body's and the year and month words (behind `#`) without (`strip`). The places of the body's words were 0.35 KB
/// of the 0.91 KB of an average document, and nothing reads them but `ts_rank`, which then counted how often a word
/// occurs; without them it ranks a word once per post, the title's above the body's, as SQLite's `hearth_rank` does
/// (`rankWeights`).
///
/// The category and the author are columns, each with an index in post order, rather than words of the document:
/// GIN hands back every match, unordered, so a filtered search through it read all the filter's matches, and a walk
/// of the whole table newest first read every newer post until the window filled (101,331 documents for "question"
/// in the largest category at 10^6 posts, 1 s). Walking the filter's own index newest first reads only its posts.
struct TSVectorSearchIndex: SearchIndex {
    func create(_ sql: any SQLDatabase) async throws {
        try await createTable(sql)
        try await createIndexes(sql)
    }

    func createTable(_ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            CREATE TABLE search_posts (post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE, \
            category_id BIGINT NOT NULL, author_id BIGINT NOT NULL, document TSVECTOR NOT NULL)
            """
        ).run()
    }

    func createIndexes(_ sql: any SQLDatabase) async throws {
        try await sql.raw("SET LOCAL maintenance_work_mem = '256MB'").run()
        for (name, definition) in Self.indexes {
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(ident: name) ON search_posts \(unsafeRaw: definition)")
                .run()
        }
    }

    func dropIndexes(_ sql: any SQLDatabase) async throws {
        for (name, _) in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(ident: name)").run() }
    }

    /// The words', then the filters'. The filters' hold `-post_id`, an order the primary key cannot give: PostgreSQL
    /// reckons a filter's posts evenly spread, so with `post_id DESC` it walked the primary key instead, checking
    /// every newer post of other categories (the largest category's newest posts were 100,000 posts back).
    static let indexes = [
        ("search_posts_document", "USING GIN (document)"), ("search_posts_category", "(category_id, (-post_id))"),
        ("search_posts_author", "(author_id, (-post_id))"),
    ]

    /// The year and month words as a tsvector, each behind `#`.
    static func scopeVector(_ scope: SearchScope) -> String {
        scope.timeWords.map { "'#\($0)'" }.joined(separator: " ")
    }

    /// `ts_rank`'s weights for D, C, B and A: a body's word (D, having no place) counts 0.4, a title's 1.
    static let rankWeights = "'{0.4, 0.2, 0.4, 1.0}'"

    func index(_ entry: SearchEntry, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO search_posts (post_id, category_id, author_id, document) VALUES (\(bind: entry.postID), \
            \(bind: entry.scope.categoryID), \(bind: entry.scope.authorID), \
            strip(to_tsvector('simple', \(bind: SearchText.document(entry.body)))) || \
            setweight(to_tsvector('simple', \(bind: SearchText.document(entry.title))), 'A') || \
            \(bind: Self.scopeVector(entry.scope))::tsvector) \
            ON CONFLICT (post_id) DO UPDATE SET category_id = EXCLUDED.category_id, author_id = EXCLUDED.author_id, \
            document = EXCLUDED.document
            """
        ).run()
    }

    /// PostgreSQL's GIN index queues new entries itself (its pending list), so posts are indexed as written.
    func createBacklog(_ sql: any SQLDatabase) async throws {}

    func enqueue(postID: Int64, title: String, body: String, _ sql: any SQLDatabase) async throws {
        guard
            let row = try await sql.raw(
                "SELECT " + searchEntryColumns + " FROM posts p " + searchEntryJoins + " WHERE p.id = \(bind: postID)"
            ).first()
        else { return }
        // What the caller is writing wins over what the row held (an edit passes its new text in the same write).
        var entry = try searchEntry(row, body: body)
        if !title.isEmpty { entry.title = title }
        try await index(entry, sql)
    }

    func moveCategory(from: Int64, to: Int64, _ sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE search_posts SET category_id = \(bind: to) WHERE category_id = \(bind: from)").run()
    }

    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool { false }

    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int { 0 }

    /// The newest first: `-post_id` when a filter's index can give it (see `createIndexes`), else `post_id DESC`,
    /// which the primary key gives.
    func search(_ match: SearchMatch, _ query: SearchQuery, _ sql: any SQLDatabase) async throws -> [Int64] {
        var columns: SQLQueryString = ""
        if let category = match.categoryID { columns = columns + " AND s.category_id = \(bind: category)" }
        if let author = match.authorID { columns = columns + " AND s.author_id = \(bind: author)" }
        if !match.excludedCategoryIDs.isEmpty {
            let ids = match.excludedCategoryIDs.map(String.init).joined(separator: ",")
            columns = columns + " AND s.category_id NOT IN (\(unsafeRaw: ids))"
        }
        let newest: SQLQueryString = match.allOf.isEmpty ? "s.post_id DESC" : "-s.post_id"
        let statement: SQLQueryString =
            "SELECT id FROM (SELECT p.id, s.document FROM search_posts s JOIN posts p ON p.id = s.post_id "
            + "JOIN topics t ON t.id = p.topic_id WHERE s.document @@ " + match.tsquery + columns + searchFilters(query)
            + " ORDER BY " + newest
            + " LIMIT \(bind: SearchMatch.window)) c ORDER BY ts_rank(\(unsafeRaw: Self.rankWeights), c.document, "
            + match.tsquery + ") DESC, c.id DESC LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)"
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
        // A catch-up that cannot write (a full disk) still leaves the index to search, minus the newest posts. It
        // takes at most a few batches: a long backlog (a migration re-indexing every post) is the indexer's work,
        // not the searcher's wait.
        _ = try? await catchUp(batches: 2)
        let index = database.engine.searchIndex
        return try await database.scan { sql in
            var authorID: Int64?
            if let handle = query.authorHandle {
                authorID = try await sql.raw("SELECT id FROM members WHERE handle = \(bind: handle.lowercased())")
                    .first(decodingColumn: "id", as: Int64.self)
                guard authorID != nil else { return [] }
            }
            let ids = try await index.search(SearchMatch(query, authorID: authorID), query, sql)
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

    /// Drops the search index's own indexes when it is nearly empty, and says whether it did: a first import writes
    /// its entries without their upkeep (on PostgreSQL the GIN index's was most of an import's time), and
    /// `restoreIndexes` builds them once, smaller than grown row by row. Never on a community with posts to search:
    /// its searches would read the whole table until the import ends.
    public func deferIndexesForFirstImport() async throws -> Bool {
        let index = database.engine.searchIndex
        guard database.engine == .postgres else { return false }
        return try await database.write { sql in
            let entries = try await sql.raw("SELECT COUNT(*) AS n FROM (SELECT 1 FROM search_posts LIMIT 1000) e")
                .first(decodingColumn: "n", as: Int.self)
            guard (entries ?? 0) < 1000 else { return false }
            try await index.dropIndexes(sql)
            return true
        }
    }

    /// Builds the search index's own indexes where they are missing (after an import that deferred them, or one
    /// that stopped before its end).
    public func restoreIndexes() async throws {
        let index = database.engine.searchIndex
        try await database.write { sql in try await index.createIndexes(sql) }
    }

    /// Indexes the posts written since the last catch-up, a few hundred per transaction.
    @discardableResult
    public func catchUp() async throws -> Int {
        try await catchUp(batches: .max)
    }

    /// Indexes at most `batches` batches of waiting posts.
    func catchUp(batches: Int) async throws -> Int {
        let index = database.engine.searchIndex
        let batch = 500
        // The read keeps an empty queue (the usual case) from taking the single writer.
        guard try await database.read({ sql in try await index.hasBacklog(sql) }) else { return 0 }
        var total = 0
        for _ in 0..<batches {
            let taken = try await database.write { sql in try await index.catchUp(limit: batch, sql) }
            total += taken
            if taken < batch { break }
        }
        return total
    }
}
