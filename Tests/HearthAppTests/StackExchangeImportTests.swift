import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import HearthViews
import Synchronization
import Testing

@testable import HearthApp

@Suite("Stack Exchange import")
struct StackExchangeImportTests {
    @Test("a first import on PostgreSQL builds the search index's indexes once, at its end, and again if it fails")
    func deferredIndexes() async throws {
        let database = try await TestDatabase.make(.postgres)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let dump = try #require(HearthServices.demoDump)
        func indexes() async throws -> [String] {
            try await database.read { sql in
                try await sql.raw(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'search_posts' AND indexname <> 'search_posts_pkey' ORDER BY 1"
                ).all(decodingColumn: "indexname", as: String.self)
            }
        }
        let all = ["search_posts_author", "search_posts_category", "search_posts_document"]
        #expect(try await indexes() == all)

        struct Stopped: Error {}
        await #expect(throws: Stopped.self) {
            try await services.importing {
                #expect(try await indexes().isEmpty, "an empty index is written without its indexes")
                throw Stopped()
            }
        }
        #expect(try await indexes() == all, "built again when the import fails")

        let summary = try await services.importing {
            try await services.importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
        }
        #expect(summary.counts.posts == 158)
        #expect(try await indexes() == all)
        #expect(!(try await services.search.search(nil, SearchQuery(text: "typographie")).hits.isEmpty))

        // An import that stopped before its end (the process killed) leaves them to the next start.
        try await database.write { sql in try await sql.raw("DROP INDEX search_posts_document").run() }
        _ = try await services.migrate()
        #expect(try await indexes() == all)
    }

    @Test(
        "the demo dump imports into topics, replies, members, revisions and reactions, and only once",
        arguments: TestEngine.allCases)
    func importsOnce(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let dump = try #require(HearthServices.demoDump)

        let first = try await services.importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
        #expect(first.site == "french.meta.stackexchange.com")
        #expect(first.counts.categories == 1)
        #expect(first.counts.topics == 16)
        #expect(first.counts.posts == 158, "70 questions and answers and 88 comments")
        #expect(first.counts.members == 51)
        #expect(first.counts.revisions == 41)
        #expect(first.counts.reactions == 11)
        #expect(first.counts.closedTopics == 1)

        let again = try await services.importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
        #expect(again.counts.topics + again.counts.posts + again.counts.members + again.counts.categories == 0)
        #expect(again.counts.alreadyThere == 16 + 158)

        let forum = services.forum
        let category = try #require(try await forum.categories().first)
        #expect(category.name == "French Meta")
        let list = try await forum.topicList(nil, category: category.id, limit: 100)
        #expect(list.topics.count == 16)
        #expect(list.topics.filter(\.isClosed).count == 1)
        let busiest = try #require(list.topics.max { $0.postCount < $1.postCount })
        let page = try await forum.topicPage(nil, topic: busiest.id)
        let opening = try #require(page.posts.first)
        #expect(opening.body.contains("*Imported from [french.meta.stackexchange.com/q/"))
        #expect(opening.html.contains(#"<a href="https://french.meta.stackexchange.com/q/"#))
        #expect(page.posts.map(\.createdAt) == page.posts.map(\.createdAt).sorted(), "replies in time order")
        #expect(page.posts.contains { $0.quotePostID != nil }, "comments quote the post they comment on")

        let hits = try await services.search.search(nil, SearchQuery(text: "typographie"))
        #expect(!hits.hits.isEmpty)
        // Imported entries carry their scope words: the category and the author filter them as they do any post.
        let inCategory = try await services.search.search(
            nil, SearchQuery(text: "typographie", categoryID: busiest.categoryID))
        #expect(inCategory.hits.map { $0.post.id } == hits.hits.map { $0.post.id })
        let found = try #require(hits.hits.first)
        let byAuthor = try await services.search.search(
            nil, SearchQuery(text: "typographie", authorHandle: found.post.author.handle))
        #expect(byAuthor.hits.contains { $0.post.id == found.post.id })
        #expect(byAuthor.hits.allSatisfy { $0.post.author.id == found.post.author.id })

        // Imported people exist but cannot log in: their address is under .invalid and has no password.
        let someone = opening.author
        let member = try #require(try await services.profiles.member(id: someone.id) as Member?)
        #expect(member.email.hasSuffix("@import.invalid"))
        await #expect(throws: HearthError.self) {
            try await services.accounts.logIn(
                email: member.email, password: "a long enough password", clientAddress: "t")
        }
    }

    @Test(
        "imported in batches of a few posts, the demo makes the same community, progress counts posts, and a re-run adds nothing",
        arguments: TestEngine.allCases)
    func smallBatches(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let dump = try #require(HearthServices.demoDump)
        let calls = Mutex<[(Int, Int)]>([])
        var importer = StackExchangeImporter(
            repository: SQLImportRepository(database: database), cooker: SafeMarkdown())
        importer.batchSize = 10
        importer.progress = { done, total in calls.withLock { $0.append((done, total)) } }

        let first = try await importer.run(directory: dump, site: "french.meta.stackexchange.com")
        #expect(first.counts.topics == 16)
        #expect(first.counts.posts == 158)
        #expect(first.counts.members == 51)
        #expect(first.counts.revisions == 41)
        #expect(first.counts.reactions == 11)
        #expect(first.counts.closedTopics == 1)

        let reported = calls.withLock { $0 }
        let total = try #require(reported.first?.1)
        #expect(total >= 158, "every question, answer and comment of the dump (empty comments are not imported)")
        #expect(reported.first?.0 == 0)
        #expect(reported.last?.0 == total)
        #expect(reported.count > 5, "a call per batch of about ten posts")
        #expect(reported.allSatisfy { $0.1 == total })
        #expect(zip(reported, reported.dropFirst()).allSatisfy { $0.0 < $1.0 }, "posts done only grow")

        // The topics are whole: counters match their posts, numbers run from 1 without a gap.
        let topics = try await database.read { sql in
            try await sql.raw(
                """
                SELECT t.id, t.post_count, t.highest_number, t.last_posted_at, COUNT(p.id) AS n, MAX(p.number) AS top, \
                MAX(p.created_at) AS latest FROM topics t JOIN posts p ON p.topic_id = t.id \
                GROUP BY t.id, t.post_count, t.highest_number, t.last_posted_at
                """
            ).all()
        }
        #expect(topics.count == 16)
        for row in topics {
            let count = try row.decode(column: "n", as: Int.self)
            #expect(try row.decode(column: "post_count", as: Int.self) == count)
            #expect(try row.decode(column: "highest_number", as: Int.self) == count)
            #expect(try row.decode(column: "top", as: Int.self) == count)
            #expect(
                try row.decode(column: "last_posted_at", as: Int64.self) == row.decode(column: "latest", as: Int64.self)
            )
        }
        let quoting = try await database.count(from: "posts WHERE quote_post_id IS NOT NULL")
        #expect(quoting == 88, "every comment quotes the post it comments on")

        let again = try await importer.run(directory: dump, site: "french.meta.stackexchange.com")
        #expect(again.counts.topics + again.counts.posts + again.counts.members + again.counts.categories == 0)
        #expect(again.counts.alreadyThere == 16 + 158)
        #expect(try await database.count(from: "posts") == 158)
        #expect(try await database.count(from: "import_ledger") == 1 + 51 + 16 + 158)
    }

    /// Writes through the real repository until the write numbered `failing` (from 1), which fails as a full disk
    /// would; keeps what the writes before it returned.
    final class FailingRepository: ImportRepository {
        let inner: SQLImportRepository
        let failing: Int
        let written = Mutex<[ImportCounts]>([])

        init(_ inner: SQLImportRepository, failing: Int) {
            self.inner = inner
            self.failing = failing
        }

        func category(externalID: String, _ category: NewCategory, source: String) async throws
            -> (CategoryID, created: Bool)
        {
            try await inner.category(externalID: externalID, category, source: source)
        }

        func write(_ batch: ImportBatch, source: String) async throws -> ImportCounts {
            guard written.withLock({ $0.count }) + 1 < failing else {
                throw HearthError.unavailable("The disk is full.")
            }
            let counts = try await inner.write(batch, source: source)
            written.withLock { $0.append(counts) }
            return counts
        }
    }

    @Test(
        "an import stopped by a failing batch keeps the batches before it, says how far it got, and running it again finishes",
        arguments: TestEngine.allCases)
    func failurePartWay(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let dump = try #require(HearthServices.demoDump)
        let failing = FailingRepository(SQLImportRepository(database: database), failing: 4)
        let calls = Mutex<[(Int, Int)]>([])
        var importer = StackExchangeImporter(repository: failing, cooker: SafeMarkdown())
        importer.batchSize = 20
        importer.progress = { done, total in calls.withLock { $0.append((done, total)) } }
        do {
            _ = try await importer.run(directory: dump, site: "french.meta.stackexchange.com")
            Issue.record("the failing batch did not stop the import")
        } catch let error as HearthError {
            let (done, total) = try #require(calls.withLock { $0.last })
            #expect(done > 0 && done < total)
            #expect(
                error.userMessage
                    == "The import of french.meta.stackexchange.com stopped after \(done) of \(total) posts: The disk is full. What was imported is kept; run the same command again to import the rest (nothing is added twice)."
            )
        }
        let kept = failing.written.withLock { $0 }.reduce(ImportCounts(), +)
        #expect(kept.topics > 0 && kept.topics < 16)
        #expect(try await database.count(from: "topics") == kept.topics, "the three batches before the failure stay")
        #expect(try await database.count(from: "posts") == kept.posts)

        var again = StackExchangeImporter(repository: SQLImportRepository(database: database), cooker: SafeMarkdown())
        again.batchSize = 20
        let rest = try await again.run(directory: dump, site: "french.meta.stackexchange.com")
        #expect(rest.counts.alreadyThere == kept.topics + kept.posts)
        #expect(kept.topics + rest.counts.topics == 16)
        #expect(kept.posts + rest.counts.posts == 158)
        #expect(kept.members + rest.counts.members == 51)
        #expect(kept.reactions + rest.counts.reactions == 11)
        #expect(try await database.count(from: "posts") == 158)
    }

    @Test("a folder that is not a dump, or a damaged or cut-short file, gives one clear error", .timeLimit(.minutes(2)))
    func badDumps() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("se-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"<?xml version="1.0"?><users><row Id="1" DisplayName="A" CreationDate="2020-01-01T00:00:00.000"/></users>"#
            .write(to: folder.appendingPathComponent("Users.xml"), atomically: true, encoding: .utf8)
        await #expect(
            throws: HearthError.invalid("directory", "\(folder.path) has no Posts.xml; is it a Stack Exchange dump?")
        ) {
            try await services.importStackExchange(directory: folder)
        }
        try #"<?xml version="1.0"?><posts><row Id="1" PostTypeId="1" Title="x" </posts>"#
            .write(to: folder.appendingPathComponent("Posts.xml"), atomically: true, encoding: .utf8)
        do {
            _ = try await services.importStackExchange(directory: folder)
            Issue.record("a damaged Posts.xml was accepted")
        } catch let error as HearthError {
            #expect(error.userMessage.hasPrefix("Posts.xml is not well-formed XML (line 1)"))
        }
        #expect(try await services.forum.categories().isEmpty, "nothing is written before the dump is read")

        // Cut short after a complete row: the XML reader stops without an error, so the dump must be refused
        // for not closing its root, not imported in part.
        let header = #"<?xml version="1.0" encoding="utf-8"?>"#
        let users = header + #"<users><row Id="1" DisplayName="A" CreationDate="2020-01-01T00:00:00.000"/>"#
        let posts =
            header
            + #"<posts><row Id="1" PostTypeId="1" Title="Is 3 less than 4?" Body="&lt;p&gt;Is 3 &lt; 4?" OwnerUserId="1" CreationDate="2020-01-01T00:00:00.000"/>"#
        for (name, cut, whole) in [("Users", users, posts + "</posts>"), ("Posts", posts, users + "</users>")] {
            try cut.write(to: folder.appendingPathComponent("\(name).xml"), atomically: true, encoding: .utf8)
            try whole.write(
                to: folder.appendingPathComponent(name == "Users" ? "Posts.xml" : "Users.xml"), atomically: true,
                encoding: .utf8)
            do {
                _ = try await services.importStackExchange(directory: folder)
                Issue.record("a cut-short \(name).xml was accepted")
            } catch let error as HearthError {
                #expect(error.userMessage.hasPrefix("\(name).xml ends before its last element is closed"))
                #expect(error.userMessage.contains("Nothing was imported"))
            }
            #expect(try await services.forum.categories().isEmpty, "nothing of a cut-short dump is written")
        }

        // Both whole: the body with a "<" that nothing closes imports, as text.
        try (users + "</users>").write(
            to: folder.appendingPathComponent("Users.xml"), atomically: true, encoding: .utf8)
        try (posts + "</posts>").write(
            to: folder.appendingPathComponent("Posts.xml"), atomically: true, encoding: .utf8)
        let summary = try await services.importStackExchange(directory: folder, site: "cut.example")
        #expect(summary.counts.topics == 1)
    }

    @Test("a dump file changed after it was read stops the import with a message that says so")
    func changedDump() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("se-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let demo = try #require(HearthServices.demoDump)
        for name in ["Posts", "Users", "Comments", "PostHistory", "Votes"] {
            try FileManager.default.copyItem(
                at: demo.appendingPathComponent("\(name).xml"), to: folder.appendingPathComponent("\(name).xml"))
        }
        let dump = try StackExchangeDump.read(folder)
        try "<posts></posts>".write(to: folder.appendingPathComponent("Posts.xml"), atomically: false, encoding: .utf8)
        #expect(
            throws: HearthError.unavailable(
                "Posts.xml changed while it was being imported (a row is no longer where it was when the file was read)."
            )
        ) { _ = try dump.thread(0) }
    }

    @Test("a \"<\" that nothing closes is text, not a loop without end", .timeLimit(.minutes(1)))
    func unclosedAngle() {
        #expect(HTMLToMarkdown.convert("<p>Is 3 &lt; 4?</p>") == "Is 3 < 4?")
        #expect(HTMLToMarkdown.convert("Is 3 < 4?") == "Is 3 < 4?")
        #expect(HTMLToMarkdown.convert("<p>a</p><p>b <") == "a\n\nb <")
        #expect(HTMLToMarkdown.convert("<") == "<")
    }

    @Test("lines lose their trailing white space as the regular expression \\s+$ removed it")
    func trailingSpace() {
        let alphabet: [Character] = [
            "a", "é", " ", "\t", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}", "\u{3000}", ">",
            "日",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let line = String(
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let expected = line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            #expect(
                HTMLToMarkdown.Converter.trimmingTrailingSpace(line[...]) == expected,
                "\(line.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("HTML is searched for tags in its bytes exactly as character by character, and line breaks become spaces")
    func htmlScanning() {
        let alphabet = ["a", "é", "<", ">", ">\u{338}", "<\u{301}", "\u{600}>", "\n", "\r\n", "\r", " ", "&amp;", "🔥"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let html = (0..<Int.random(in: 0...10, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            .joined()
            for character in ["<", ">"] as [Character] {
                var index = html.startIndex
                while index < html.endIndex {
                    #expect(
                        HTMLToMarkdown.Converter.first(character.asciiValue!, in: html, from: index)
                            == html[index...].firstIndex(of: character), "\(Array(html.unicodeScalars))")
                    index = html.index(after: index)
                }
            }
            #expect(
                HTMLToMarkdown.Converter.spacingLineBreaks(html) == html.replacingOccurrences(of: "\n", with: " "),
                "\(Array(html.unicodeScalars))")
        }
    }

    @Test("HTML bodies become Markdown that renders back to the same structure")
    func htmlToMarkdown() {
        let html = """
            <p>Hello <strong>bold</strong> &amp; <em>em</em>, see <a href="https://example.org/?a=1&amp;b=2">this</a>.</p>
            <blockquote><p>quoted</p></blockquote>
            <ul><li>one</li><li>two <code>x &lt; y</code></li></ul>
            <ol><li>first</li></ol>
            <pre><code>let a = 1
            let b = "&lt;2&gt;"
            </code></pre>
            <h2>Title</h2><p>line<br>break <img src="https://i.example.org/a.png" alt="pic"></p>
            <script>alert(1)</script>
            """
        let markdown = HTMLToMarkdown.convert(html)
        #expect(
            markdown == """
                Hello **bold** & *em*, see [this](https://example.org/?a=1&b=2).

                > quoted

                - one
                - two `x < y`

                1. first

                ```
                let a = 1
                let b = "<2>"
                ```

                **Title**

                line
                break ![pic](https://i.example.org/a.png)

                alert(1)
                """)
    }
}

@Suite("Demo community")
struct DemoCommunityTests {
    @Test("hearth serve --demo shows the review queue with a few items at once, and loading again adds none")
    func demoQueue() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let services = try await HearthServices.forTesting(database: database)
        _ = try await services.loadDemo()
        let manager = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let queue = try await services.moderation.queue(staff)
        #expect(queue.items.count == 3)
        #expect(Set(queue.items.map(\.kind)) == [.flaggedPost, .engineFlag])
        #expect(try await services.backfill?.remaining() == 0, "the demo's posts are read")
        _ = try await services.loadDemo()
        #expect(try await services.moderation.queue(staff).items.count == 3)
        await database.close()
    }
}
