import Foundation
import HearthCore
import SQLKit

/// The engine-specific half of search: SQLite's FTS5 or PostgreSQL's tsvector. Both index the same folded
/// text (`SearchText.document`) with the same scope words (`SearchScope`), and both match the same query
/// (`SearchMatch`), so the two engines find the same posts; only the ranking functions differ.
///
/// Both stay flat as the community grows: a search reads the newest `SearchMatch.window` matching posts that pass
/// its filters, newest first from the index (so a common word stops after those), and ranks only them. The
/// filters that could leave most matches out (category, author, dates, unreadable categories) are words of the
/// index itself, intersected by the engine, rather than conditions checked on each match.
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

/// The words of an entry that say where it is, who wrote it and when: `c12` (category), `a345` (author), `y2026`
/// and `m202611` (year and month, UTC). They live apart from the text (a column of their own on SQLite, weight D
/// behind `#` on PostgreSQL), so a post that says "c12" is not in category 12.
struct SearchScope: Sendable, Equatable {
    var categoryID: Int64
    var authorID: Int64
    /// Milliseconds since 1970.
    var createdAt: Int64

    var words: [String] {
        let (year, month) = Self.yearMonth(createdAt)
        return ["c\(categoryID)", "a\(authorID)", "y\(year)", "m\(year * 100 + month)"]
    }

    /// The year and month of an instant, in UTC.
    static func yearMonth(_ milliseconds: Int64) -> (Int, Int) {
        let parts = utc.dateComponents([.year, .month], from: Date(millisecondsSince1970: milliseconds))
        return (parts.year ?? 1970, parts.month ?? 1)
    }

    /// The year and month words that cover [from, to): whole years inside it, and the months at either end.
    static func dateWords(from: Int64?, to: Int64?) -> [String] {
        let (firstYear, firstMonth) = yearMonth(from ?? 0)
        let (lastYear, lastMonth) = yearMonth(max((to ?? 4_102_444_800_000) - 1, from ?? 0))
        var words: [String] = []
        for year in firstYear...lastYear {
            let start = year == firstYear ? firstMonth : 1
            let end = year == lastYear ? lastMonth : 12
            if start == 1, end == 12 {
                words.append("y\(year)")
            } else {
                words += (start...end).map { "m\(year * 100 + $0)" }
            }
        }
        return words
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}

/// A query as both engines match it: each term in the title or body, and the filters as scope words.
///
/// A term of up to three letters matches every word it starts ("bi" finds "bicycle"), through the index's prefix
/// entries. A longer term matches itself and its common English and French endings ("export" finds "exports",
/// "exported", "exporting", "exporter", "exportee"): a prefix without an index entry of its own made SQLite gather
/// every word it starts before the first result (0.47 s for "question" at 10^6 posts), whatever the LIMIT.
struct SearchMatch: Sendable, Equatable {
    /// How many of the newest matching posts are ranked: the first 50 pages of 20.
    static let window = SearchQuery.rankedWindow
    static let endings = ["s", "es", "e", "ee", "ees", "ed", "d", "ing", "er", "ers", "ent", "ion", "ions", "ly"]

    var terms: [[String]]
    var allOf: [String] = []
    var anyOf: [String] = []
    var noneOf: [String] = []

    init(_ query: SearchQuery, authorID: Int64?) {
        terms = query.terms.map { term in
            term.count <= 3 ? [term] : [term] + Self.endings.map { term + $0 } + Self.stemmed(term)
        }
        if let category = query.categoryID { allOf.append("c\(category.rawValue)") }
        if let authorID { allOf.append("a\(authorID)") }
        if query.from != nil || query.to != nil {
            anyOf = SearchScope.dateWords(
                from: query.from?.millisecondsSince1970, to: query.to?.millisecondsSince1970)
        }
        noneOf = query.excludedCategories.map { "c\($0.rawValue)" }
    }

    /// Whether a term is matched as the start of words (short terms) rather than with its endings.
    static func isPrefix(_ words: [String]) -> Bool { words.count == 1 }

    /// Endings that replace a final letter: "share" → "sharing", "reply" → "replies".
    private static func stemmed(_ term: String) -> [String] {
        if term.hasSuffix("e") { return [String(term.dropLast()) + "ing"] }
        if term.hasSuffix("y") { return [String(term.dropLast()) + "ies", String(term.dropLast()) + "ied"] }
        return []
    }

    /// The FTS5 query: `{title body} : (…) AND …`, scope words in the `scope` column.
    var fts5: String {
        func quoted(_ word: String) -> String { "\"\(word.replacingOccurrences(of: "\"", with: "\"\""))\"" }
        var parts = terms.map { words in
            Self.isPrefix(words)
                ? "{title body} : \(quoted(words[0]))*"
                : "{title body} : (" + words.map(quoted).joined(separator: " OR ") + ")"
        }
        parts += allOf.map { "scope : \(quoted($0))" }
        if !anyOf.isEmpty { parts.append("scope : (" + anyOf.map(quoted).joined(separator: " OR ") + ")") }
        var match = parts.joined(separator: " AND ")
        if !noneOf.isEmpty { match = "(\(match)) NOT scope : (" + noneOf.map(quoted).joined(separator: " OR ") + ")" }
        return match
    }

    /// The PostgreSQL query: the text terms through `to_tsquery('simple', …)` (as the documents went through
    /// `to_tsvector`); the scope words as a `tsquery` literal, behind `#`. No term carries a weight: text words are
    /// letters and digits and scope words start with `#`, so neither can match the other, and a weighted term
    /// makes the GIN index send every match back to be checked against its document (each one read and
    /// decompressed: 110 ms for "the" by the busiest author at 10^5 posts).
    var tsquery: SQLQueryString {
        // Terms are letters and digits only (SearchText), scope words too: neither can carry tsquery operators.
        let text = terms.map { words in
            Self.isPrefix(words) ? "\(words[0]):*" : "(" + words.joined(separator: " | ") + ")"
        }.joined(separator: " & ")
        var scope = allOf.map { "'#\($0)'" }
        if !anyOf.isEmpty { scope.append("(" + anyOf.map { "'#\($0)'" }.joined(separator: " | ") + ")") }
        if !noneOf.isEmpty { scope.append("!(" + noneOf.map { "'#\($0)'" }.joined(separator: " | ") + ")") }
        let query: SQLQueryString = "to_tsquery('simple', \(bind: text))"
        guard !scope.isEmpty else { return query }
        return "(" + query + " && \(bind: scope.joined(separator: " & "))::tsquery)"
    }
}

/// Conditions both engines check on each candidate: visible posts in visible topics, and what scope words only
/// approach (a date range's exact ends). Assumes posts `p` and topics `t` are joined.
func searchFilters(_ query: SearchQuery) -> SQLQueryString {
    var filters: SQLQueryString = " AND " + PublicPosts.condition
    if let category = query.categoryID { filters = filters + " AND t.category_id = \(bind: category.rawValue)" }
    if !query.excludedCategories.isEmpty {
        let ids = query.excludedCategories.map { String($0.rawValue) }.joined(separator: ",")
        filters = filters + " AND t.category_id NOT IN (\(unsafeRaw: ids))"
    }
    if let from = query.from { filters = filters + " AND p.created_at >= \(bind: from.millisecondsSince1970)" }
    if let to = query.to { filters = filters + " AND p.created_at < \(bind: to.millisecondsSince1970)" }
    return filters
}

/// Reads what an entry needs of a post: its text, the topic's title (or the article's, for an article's opening
/// post) and its scope. Assumes the post is `p`.
let searchEntryColumns: SQLQueryString = """
    p.id AS post_id, p.number, p.author_id, p.created_at, t.category_id, COALESCE(r.body, p.body) AS body, \
    COALESCE(r.title, t.title) AS title
    """
let searchEntryJoins: SQLQueryString = """
    JOIN topics t ON t.id = p.topic_id LEFT JOIN articles r ON r.topic_id = p.topic_id AND p.number = 1
    """

func searchEntry(_ row: any SQLRow) throws -> SearchEntry {
    let number = try row.decode(column: "number", as: Int.self)
    return SearchEntry(
        postID: try row.decode(column: "post_id", as: Int64.self),
        title: number == 1 ? try row.decode(column: "title", as: String.self) : "",
        body: try row.decode(column: "body", as: String.self),
        scope: SearchScope(
            categoryID: try row.decode(column: "category_id", as: Int64.self),
            authorID: try row.decode(column: "author_id", as: Int64.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self)))
}

struct FTS5SearchIndex: SearchIndex {
    /// Contentless (`content=''`): the text is in `posts` already, and a second copy was a third of the file.
    /// `contentless_delete` lets a post's entry be replaced; `hearth_rank` (SearchRanking) needs the column sizes.
    func create(_ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            CREATE VIRTUAL TABLE search_posts USING fts5(title, body, scope, content = '', contentless_delete = 1, \
            tokenize = 'unicode61', prefix = '2 3')
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

    /// The scope words as a tsvector of weight D, each behind `#`.
    static func scopeVector(_ scope: SearchScope) -> String {
        scope.words.map { "'#\($0)':1" }.joined(separator: " ")
    }

    func index(_ entry: SearchEntry, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO search_posts (post_id, document) VALUES (\(bind: entry.postID), \
            setweight(to_tsvector('simple', \(bind: SearchText.document(entry.title))), 'A') || \
            setweight(to_tsvector('simple', \(bind: SearchText.document(entry.body))), 'B') || \
            \(bind: Self.scopeVector(entry.scope))::tsvector) \
            ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document
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
        var entry = try searchEntry(row)
        // What the caller is writing wins over what the row held (an edit passes its new text in the same write).
        entry.body = body
        if !title.isEmpty { entry.title = title }
        try await index(entry, sql)
    }

    func moveCategory(from: Int64, to: Int64, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE search_posts SET document = ts_delete(document, \(bind: "#c\(from)")) || \
            \(bind: "'#c\(to)':1")::tsvector \
            WHERE post_id IN (SELECT p.id FROM topics t JOIN posts p ON p.topic_id = t.id WHERE t.category_id = \(bind: from))
            """
        ).run()
    }

    func hasBacklog(_ sql: any SQLDatabase) async throws -> Bool { false }

    func catchUp(limit: Int, _ sql: any SQLDatabase) async throws -> Int { 0 }

    func search(_ match: SearchMatch, _ query: SearchQuery, _ sql: any SQLDatabase) async throws -> [Int64] {
        let statement: SQLQueryString =
            "SELECT id FROM (SELECT p.id, s.document FROM search_posts s JOIN posts p ON p.id = s.post_id "
            + "JOIN topics t ON t.id = p.topic_id WHERE s.document @@ " + match.tsquery + searchFilters(query)
            + " ORDER BY s.post_id DESC LIMIT \(bind: SearchMatch.window)) c ORDER BY ts_rank(c.document, "
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
