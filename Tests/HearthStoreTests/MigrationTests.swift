import Foundation
import HearthCore
import HearthTestSupport
import SQLKit
import Testing

@testable import HearthStore

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty database migrates to the committed schema snapshot", arguments: TestEngine.allCases)
    func migratesToSnapshot(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        let applied = try await Migrator(database: database).migrate()
        #expect(applied.map(\.number) == Migration.all.map(\.number))
        // Numbers only grow; one may be missing for a while when two branches each add a migration.
        #expect(zip(applied, applied.dropFirst()).allSatisfy { $0.number < $1.number })

        let schema = try await SchemaDescription.describe(database)
        let snapshotURL = try #require(Bundle.module.url(forResource: "Snapshots/schema", withExtension: "txt"))
        let snapshot = try String(contentsOf: snapshotURL, encoding: .utf8)
        if schema != snapshot {
            let written = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(engine.rawValue).txt")
            try schema.write(to: written, atomically: true, encoding: .utf8)
            Issue.record(
                "The \(engine.rawValue) schema differs from Snapshots/schema.txt; the actual one is at \(written.path)")
        }
    }

    @Test("migrating twice applies nothing the second time", arguments: TestEngine.allCases)
    func idempotent(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        #expect(try await Migrator(database: database).migrate().isEmpty)
        #expect(try await Migrator(database: database).pending().isEmpty)
    }
}

@Suite("Forum migration")
struct ForumMigrationTests {
    @Test(
        "members who existed before the forum get unique handles made from their names", arguments: TestEngine.allCases)
    func handlesForExistingMembers(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        try await Migrator(database: database, migrations: [.accounts], now: { Date() }).migrate()
        for (email, name) in [("a@example.org", "Zoé Martin"), ("b@example.org", "zoe martin"), ("c@example.org", "★")]
        {
            try await database.write { sql in
                try await sql.insert(into: "members")
                    .columns("email", "display_name", "role", "password_hash", "created_at")
                    .values(SQLBind(email), SQLBind(name), SQLBind("member"), SQLBind("x"), SQLBind(0))
                    .run()
            }
        }
        try await Migrator(database: database).migrate()
        let members = SQLMemberRepository(database: database)
        #expect(try await members.find(email: "a@example.org")?.handle == "zoe_martin")
        #expect(try await members.find(email: "b@example.org")?.handle == "zoe_martin2")
        #expect(try await members.find(email: "c@example.org")?.handle == "member")
        let next = try await members.create(
            NewMember(
                email: "d@example.org", displayName: "Zoé Martin", role: .member, passwordHash: "x", createdAt: Date()))
        #expect(next.handle == "zoe_martin3")
    }
}

@Suite("Import ledger migration")
struct ImportLedgerMigrationTests {
    @Test(
        "the ledger's rows keep what each source's things became, under the source's number",
        arguments: TestEngine.allCases)
    func compactLedger(engine: TestEngine) async throws {
        let database = try await databaseBefore(migration: 33, engine)
        defer { Task { await database.close() } }
        let rows: [(String, String, String, Int64)] = [
            ("stackexchange:a.example", "post", "7", 70), ("stackexchange:a.example", "topic", "7", 9),
            ("stackexchange:b.example", "post", "7", 71),
        ]
        try await database.write { sql in
            for (source, kind, externalID, localID) in rows {
                try await sql.insert(into: "import_keys").columns("source", "kind", "external_id", "local_id")
                    .values(SQLBind(source), SQLBind(kind), SQLBind(externalID), SQLBind(localID)).run()
            }
        }
        try await Migrator(database: database).migrate()
        for (source, kind, externalID, localID) in rows {
            let found = try await database.read { sql -> Int64? in
                guard let sourceID = try await SQLImportRepository.sourceID(source, sql) else { return nil }
                return try await SQLImportRepository.localID(sourceID, kind, externalID, sql)
            }
            #expect(found == localID, "\(source) \(kind) \(externalID)")
        }
        #expect(try await database.count(from: "import_sources") == 2)
    }
}

@Suite("Search index migration")
struct SearchIndexMigrationTests {
    @Test("posts written before the index lost its positions are found once the backlog is read")
    func withoutPositions() async throws {
        let database = try await databaseBefore(migration: 34, .sqlite)
        defer { Task { await database.close() } }
        _ = try await writeOldPosts([("A whistling kettle", "<p>A whistling kettle</p>")], to: database)
        try await Migrator(database: database).migrate()
        let search = SQLSearchRepository(database: database)
        let definition = try await database.read { sql in
            try await sql.raw("SELECT sql FROM sqlite_master WHERE name = 'search_posts'").first(
                decodingColumn: "sql", as: String.self)
        }
        #expect(definition?.contains("detail = column") == true)
        #expect(try await search.search(SearchQuery(text: "whistling")).count == 1, "searching catches up first")
        #expect(try await search.search(SearchQuery(text: "kettles")).count == 1)
    }
}

@Suite("Search scope columns migration")
struct SearchScopeColumnsMigrationTests {
    @Test("PostgreSQL's entries move their category and author from words of the document into columns")
    func scopeColumns() async throws {
        let database = try await databaseBefore(migration: 36, .postgres)
        defer { Task { await database.close() } }
        let forum = SQLForumRepository(database: database)
        let ana = try await SQLMemberRepository(database: database).create(
            NewMember(email: "ana@example.org", displayName: "Ana", role: .member, passwordHash: "x", createdAt: Date())
        )
        var categories: [Category] = []
        for (slug, title) in [("kitchen", "A whistling kettle"), ("garden", "A whistling bird")] {
            let category = try await forum.createCategory(
                NewCategory(slug: slug, name: slug, description: "", startPolicy: .everyone, kind: .forum))
            categories.append(category)
            _ = try await forum.createTopic(
                categoryID: category.id, title: title,
                firstPost: NewPost(
                    author: MemberSummary(ana), body: "\(title) on the stove", html: "<p>\(title) on the stove</p>",
                    quotePostID: nil, createdAt: Date()))
        }
        // Entries as the index wrote them before: the title's words at their places with weight A, the body's with
        // B, and the category, the author, the year and the month as `#` words at place 1.
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE search_posts s SET category_id = 0, author_id = 0, \
                document = setweight(to_tsvector('simple', t.title), 'A') \
                || setweight(to_tsvector('simple', t.title || ' on the stove'), 'B') \
                || format('''#c%s'':1 ''#a%s'':1 ''#y2026'':1', t.category_id, p.author_id)::tsvector \
                FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = s.post_id
                """
            ).run()
        }
        try await Migrator(database: database).migrate()
        let rows = try await database.read { sql in
            try await sql.raw(
                """
                SELECT s.category_id, s.author_id, s.document::text AS words, t.category_id AS topic_category \
                FROM search_posts s JOIN posts p ON p.id = s.post_id JOIN topics t ON t.id = p.topic_id
                """
            ).all()
        }
        #expect(rows.count == 2)
        for row in rows {
            let category = try row.decode(column: "category_id", as: Int64.self)
            #expect(try category == row.decode(column: "topic_category", as: Int64.self))
            #expect(try row.decode(column: "author_id", as: Int64.self) == ana.id.rawValue)
            // The title's words keep their places and weight; the body's and the year's lose theirs.
            let words = try row.decode(column: "words", as: String.self).split(separator: " ").map(String.init)
            #expect(!words.contains { $0.hasPrefix("'#c") || $0.hasPrefix("'#a") }, "\(words)")
            #expect(words.contains("'#y2026'") && words.contains("'stove'"), "\(words)")
            #expect(words.contains("'whistling':2A"), "\(words)")
        }
        let search = SQLSearchRepository(database: database)
        func titles(_ query: SearchQuery) async throws -> [String] {
            try await search.search(query).map(\.topicTitle).sorted()
        }
        #expect(
            try await titles(SearchQuery(text: "whistling", categoryID: categories[0].id)) == ["A whistling kettle"])
        #expect(try await titles(SearchQuery(text: "whistling", authorHandle: ana.handle)).count == 2)
        var readable = SearchQuery(text: "whistling")
        readable.excludedCategories = [categories[0].id]
        #expect(try await titles(readable) == ["A whistling bird"])
    }
}

@Suite("Post content migration")
struct PostContentMigrationTests {
    @Test(
        "posts written before their text was packed read the same Markdown and HTML after, and are still found",
        arguments: TestEngine.allCases)
    func packed(engine: TestEngine) async throws {
        let database = try await databaseBefore(migration: 35, engine)
        defer { Task { await database.close() } }
        // A short post, one long enough to be compressed, and one in several scripts with a quoted line.
        let long = String(repeating: "The kettle whistles when the water boils; ", count: 40)
        let texts: [(body: String, html: String)] = [
            ("Hi", "<p>Hi</p>"), (long, "<p>\(long)</p>"),
            ("> Où est l'école ?\n\nहिन्दी, 日本語 😀", "<blockquote><p>Où est l'école ?</p></blockquote><p>हिन्दी, 日本語 😀</p>"),
        ]
        let author = try await writeOldPosts(texts, to: database)
        try await Migrator(database: database).migrate()
        let posts = try await SQLForumRepository(database: database).posts(in: TopicID(1), numbers: 1...3)
        #expect(posts.map(\.body) == texts.map(\.body))
        #expect(posts.map(\.html) == texts.map(\.html))
        let stored = try await database.read { sql in
            try await sql.raw("SELECT length(content) AS n FROM posts ORDER BY id").all().map {
                try $0.decode(column: "n", as: Int.self)
            }
        }
        #expect(stored[1] < long.utf8.count / 4, "the long post is compressed: \(stored[1]) bytes")
        // An edit reads the packed Markdown into the post's history, and the search index reads the new text.
        let forum = SQLForumRepository(database: database)
        try await forum.edit(
            PostID(2), body: "The kettle sings", html: "<p>The kettle sings</p>", editorID: author.id, basedOn: nil,
            at: Date())
        #expect(try await forum.revisions(of: PostID(2)).map(\.body) == [long])
        #expect(try await forum.post(id: PostID(2))?.html == "<p>The kettle sings</p>")
        let search = SQLSearchRepository(database: database)
        _ = try await search.catchUp()
        #expect(try await search.search(SearchQuery(text: "sings")).map(\.post.id) == [PostID(2)])
    }
}

/// A member and a category through today's repositories, then one topic and its posts as the schema before
/// migration 35 held them (Markdown in `body`, HTML in `html`): for tests of the migrations that found them there.
private func writeOldPosts(_ texts: [(body: String, html: String)], to database: HearthDatabase) async throws
    -> MemberSummary
{
    let author = try await SQLMemberRepository(database: database).create(
        NewMember(email: "ana@example.org", displayName: "Ana", role: .member, passwordHash: "x", createdAt: Date()))
    let category = try await SQLForumRepository(database: database).createCategory(
        NewCategory(slug: "general", name: "General", description: "", startPolicy: .everyone, kind: .forum))
    try await database.write { sql in
        try await sql.raw(
            """
            INSERT INTO topics (id, category_id, author_id, title, created_at, last_posted_at, last_poster_id, \
            post_count, highest_number) VALUES (1, \(bind: category.id.rawValue), \(bind: author.id.rawValue), \
            'Kettles', 0, 0, \(bind: author.id.rawValue), \(bind: texts.count), \(bind: texts.count))
            """
        ).run()
        for (index, text) in texts.enumerated() {
            try await sql.raw(
                """
                INSERT INTO posts (id, topic_id, number, author_id, body, html, created_at, edit_count, moderation) \
                VALUES (\(bind: index + 1), 1, \(bind: index + 1), \(bind: author.id.rawValue), \(bind: text.body), \
                \(bind: text.html), 0, 0, 'visible')
                """
            ).run()
        }
    }
    return MemberSummary(author)
}

/// A database migrated up to, not including, migration `number`.
private func databaseBefore(migration number: Int, _ engine: TestEngine) async throws -> HearthDatabase {
    let database = try await TestDatabase.make(engine, migrated: false)
    do {
        try await Migrator(database: database, migrations: Migration.all.filter { $0.number < number }, now: { Date() })
            .migrate()
    } catch {
        await database.close()
        throw error
    }
    return database
}

@Suite("Delegate roles migration")
struct DelegateRolesMigrationTests {
    @Test("each grant in force becomes a role its member holds; revoked ones are gone", arguments: TestEngine.allCases)
    func grantsBecomeRoles(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine, migrated: false)
        defer { Task { await database.close() } }
        try await Migrator(database: database, migrations: Migration.all.filter { $0.number < 37 }, now: { Date() })
            .migrate()
        let members = SQLMemberRepository(database: database)
        let ana = try await members.create(
            NewMember(email: "ana@example.org", displayName: "Ana", role: .member, passwordHash: "x", createdAt: Date())
        )
        let general = try await SQLForumRepository(database: database).createCategory(
            NewCategory(slug: "general", name: "General", description: "", startPolicy: .everyone, kind: .forum))
        // 2026-12-01 00:00 UTC: the grant's last day is 2026-11-30.
        let midnight: Int64 = 1_796_083_200_000
        try await database.write { sql in
            for (title, revoked) in [("Evening advisor", nil), ("Former", Int64?.some(5))] {
                try await sql.insert(into: "grants")
                    .columns(
                        "member_id", "title", "actions", "category_id", "window_start_minute", "window_end_minute",
                        "time_zone", "expires_at", "created_at", "revoked_at"
                    )
                    .values(
                        SQLBind(ana.id.rawValue), SQLBind(title), SQLBind("hide_post,see_removed"),
                        SQLBind(general.id.rawValue),
                        SQLBind(1_140), SQLBind(1_380), SQLBind("UTC"), SQLBind(midnight), SQLBind(1), SQLBind(revoked)
                    ).run()
            }
            try await sql.update("members").set("has_grants", to: 1).where("id", .equal, ana.id.rawValue).run()
        }
        try await Migrator(database: database).migrate()
        let roles = SQLDelegateRoleRepository(database: database)
        let held = try await roles.held(by: ana.id)
        #expect(held.count == 1)
        let role = try #require(held.first).definition
        #expect(role.nameEN == "Evening advisor" && role.nameFR == "Evening advisor")
        #expect(role.powers == [.hidePost, .seeRemoved])
        #expect(role.categoryIDs == [general.id])
        #expect(role.hours == RoleDefinition.Hours(fromMinute: 1_140, toMinute: 1_380))
        #expect(role.endsOn == CalendarDay("2026-11-30"))
        // New roles take the next number, on PostgreSQL too.
        let next = try await roles.create(
            RoleDefinition(nameEN: "New", nameFR: "Nouveau", powers: [.hidePost]), createdBy: nil, at: Date()
        ) { NewLogEntry(actorID: nil, action: "create role", target: .role, targetID: $0.rawValue) }
        #expect(next.id.rawValue > held[0].id.rawValue)
    }
}
