import Foundation
import HearthCore
import HearthTestSupport
import Logging
import SQLKit
import Synchronization
import Testing

@testable import HearthStore

/// The plans SQLite chooses for what members and the community manager reach on every visit: lists, profiles and
/// search. A plan that starts scanning posts or topics, or sorting a list in a temporary B-tree, fails here (and
/// the whole set is a snapshot, so any change of plan shows in review). SQLite plans an empty database as it
/// plans a large one without statistics (it assumes a million rows per table), which is what these checks need.
@Suite("Query plans")
struct QueryPlanTests {
    /// Keeps the SQL of every statement a database runs (SQLite logs each at trace level).
    final class Statements: LogHandler, @unchecked Sendable {
        private let seen = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard let sql = event.metadata?["sql"] else { return }
            var text = "\(sql)"
            // PostgreSQL's statements come with their binds: written in as literals, EXPLAIN can plan them.
            if case .array(let binds) = event.metadata?["binds"] {
                for (index, bind) in binds.enumerated().reversed() {
                    let literal = "'" + "\(bind)".replacingOccurrences(of: "'", with: "''") + "'"
                    text = text.replacingOccurrences(of: "$\(index + 1)", with: literal)
                }
            }
            seen.withLock { $0.append(text) }
        }

        /// The statements run by `body`.
        func during(_ body: () async throws -> Void) async rethrows -> [String] {
            seen.withLock { $0.removeAll() }
            try await body()
            return seen.withLock { $0 }
        }
    }

    @Test(
        "lists, profiles and searches read index ranges, never a scan of posts or topics",
        arguments: TestEngine.allCases)
    func plans(engine: TestEngine) async throws {
        let statements = Statements()
        let database = try await TestDatabase.make(engine, logger: Logger(label: "plans") { _ in statements })
        defer { Task { await database.close() } }
        let forum = SQLForumRepository(database: database)
        let search = SQLSearchRepository(database: database)
        let directory = SQLMemberDirectoryRepository(database: database)
        let people = SQLPeopleRepository(database: database)
        let cursor = TopicCursor(pinned: false, lastPostedAt: 1_700_000_000_000, id: TopicID(500))
        let pinnedCursor = TopicCursor(pinned: true, lastPostedAt: 1_700_000_000_000, id: TopicID(500))
        let cases: [(String, () async throws -> Void)] = [
            ("latest topics", { _ = try await forum.topics(TopicQuery(limit: 31)) }),
            ("latest topics, a later page", { _ = try await forum.topics(TopicQuery(after: cursor, limit: 31)) }),
            (
                "a category's topics",
                { _ = try await forum.topics(TopicQuery(categoryID: CategoryID(1), limit: 31, pinnedFirst: true)) }
            ),
            (
                "a category's topics, a later page",
                {
                    _ = try await forum.topics(
                        TopicQuery(categoryID: CategoryID(1), after: cursor, limit: 31, pinnedFirst: true))
                }
            ),
            (
                "a category's topics, after a pinned one",
                {
                    _ = try await forum.topics(
                        TopicQuery(categoryID: CategoryID(1), after: pinnedCursor, limit: 31, pinnedFirst: true))
                }
            ),
            ("a member's topics", { _ = try await forum.topics(TopicQuery(authorID: MemberID(7), limit: 31)) }),
            (
                "a member's recent posts",
                { _ = try await directory.recentPostIDs(of: MemberID(7), limit: 20, publicOnly: true) }
            ),
            ("a member's post count", { _ = try await directory.publicPostCount(of: MemberID(7)) }),
            ("the member directory", { _ = try await directory.directory(MemberQuery(sort: .lastSeen)) }),
            (
                "the member directory, a later page",
                {
                    _ = try await directory.directory(
                        MemberQuery(after: MemberCursor(key: 1_700_000_000_000, id: MemberID(9))))
                }
            ),
            ("people in a segment", { _ = try await people.segment(.shy, after: nil, limit: 25) }),
            (
                "people in a segment, a later page",
                {
                    _ = try await people.segment(
                        .shy, after: PeopleCursor(rank: 12, memberID: MemberID(900)), limit: 25)
                }
            ),
            ("search, a common word", { _ = try await search.search(SearchQuery(text: "the")) }),
            ("search, a long word", { _ = try await search.search(SearchQuery(text: "question")) }),
            (
                "search in a category, page 50",
                { _ = try await search.search(SearchQuery(text: "bicycle", categoryID: CategoryID(1), offset: 980)) }
            ),
            (
                "search by dates",
                {
                    _ = try await search.search(
                        SearchQuery(
                            text: "bi", from: Date(timeIntervalSince1970: 1_600_000_000),
                            to: Date(timeIntervalSince1970: 1_700_000_000)))
                }
            ),
        ]
        var snapshot = ""
        for (name, run) in cases {
            let ran = try await statements.during(run).filter { $0.hasPrefix("SELECT") }
            #expect(!ran.isEmpty, "\(name) ran no SELECT")
            for sql in ran {
                if engine == .postgres {
                    try await checkPostgres(name, sql, database)
                    continue
                }
                let plan = try await database.read { db in
                    try await db.raw("EXPLAIN QUERY PLAN \(unsafeRaw: sql)").all().map {
                        try $0.decode(column: "detail", as: String.self)
                    }
                }
                snapshot += "## \(name)\n\(sql)\n" + plan.map { "  \($0)\n" }.joined() + "\n"
                if sql.contains("MATCH") {
                    // FTS5 takes the ORDER BY rowid DESC itself (index flags 64 | 128), so the LIMIT stops its walk.
                    #expect(
                        plan.contains { $0.hasPrefix("SCAN search_posts VIRTUAL TABLE INDEX 192:") },
                        "\(name) does not walk the index newest first:\n\(plan.joined(separator: "\n"))")
                }
                for line in plan {
                    let scansTable = [
                        "SCAN p", "SCAN t", "SCAN posts", "SCAN topics", "SCAN members", "SCAN m", "SCAN s",
                    ]
                    .contains { line == $0 || line.hasPrefix($0 + " ") && !line.contains("USING") }
                    #expect(!scansTable, "\(name) scans a table: \(line)\n\(sql)")
                    // The search ranks its bounded window in a temporary B-tree; lists must not sort at all.
                    if !name.hasPrefix("search") {
                        #expect(!line.contains("TEMP B-TREE"), "\(name) sorts: \(line)\n\(sql)")
                    }
                }
            }
        }
        guard engine == .sqlite else { return }
        try Snapshot.check(
            snapshot, "query-plans",
            in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots"),
            extension: "txt")
    }

    /// PostgreSQL plans by table sizes, and an empty table is best read whole: with sequential scans switched off,
    /// a plan that still reads posts, topics, members or the search index whole has no index to use.
    private func checkPostgres(_ name: String, _ sql: String, _ database: HearthDatabase) async throws {
        let plan = try await database.read { db in
            try await db.raw("SET enable_seqscan = off").run()
            defer { Task { try? await db.raw("RESET enable_seqscan").run() } }
            return try await db.raw("EXPLAIN (COSTS OFF) \(unsafeRaw: sql)").all().map {
                try $0.decode(column: "QUERY PLAN", as: String.self)
            }
        }
        for line in plan {
            let scansTable = ["posts", "topics", "members", "search_posts"].contains {
                line.contains("Seq Scan on \($0)")
            }
            #expect(
                !scansTable, "\(name) scans a table on PostgreSQL: \(line)\n\(sql)\n\(plan.joined(separator: "\n"))")
        }
    }
}
