import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

@Suite("Stack Exchange import")
struct StackExchangeImportTests {
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

        // Imported people exist but cannot log in: their address is under .invalid and has no password.
        let someone = opening.author
        let member = try #require(try await services.profiles.member(id: someone.id) as Member?)
        #expect(member.email.hasSuffix("@import.invalid"))
        await #expect(throws: HearthError.self) {
            try await services.accounts.logIn(
                email: member.email, password: "a long enough password", clientAddress: "t")
        }
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

    @Test("a \"<\" that nothing closes is text, not a loop without end", .timeLimit(.minutes(1)))
    func unclosedAngle() {
        #expect(HTMLToMarkdown.convert("<p>Is 3 &lt; 4?</p>") == "Is 3 < 4?")
        #expect(HTMLToMarkdown.convert("Is 3 < 4?") == "Is 3 < 4?")
        #expect(HTMLToMarkdown.convert("<p>a</p><p>b <") == "a\n\nb <")
        #expect(HTMLToMarkdown.convert("<") == "<")
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
