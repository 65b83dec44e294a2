import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Posts of the demo community (`hearth serve --demo`), imported as the demo imports them and rendered, compared
/// with committed snapshots: Stack Exchange's reference links, tags, rules and long addresses must read as they
/// did on the site. `HEARTH_RECORD_SNAPSHOTS=1 swift test` rewrites them.
///
/// The posts are from french.meta.stackexchange.com, CC BY-SA: each snapshot names its author, its source and
/// the licence (see Sources/HearthApp/Demo/french.meta/LICENSE-note.txt).
@Suite("Demo post snapshots")
struct DemoPostSnapshotTests {
    /// Answers that use reference links (75, 697, 667), `[tag:…]` and rules (667, 697) and long addresses (75, 667),
    /// with their authors as the site names them (667's account was deleted since: the import shows "Former
    /// member", the attribution keeps the name it was published under).
    static let answers = [("75", "F'x"), ("697", "Tensibai"), ("667", "user3177")]

    func check(_ html: String, _ name: String) throws {
        try Snapshot.check(
            html, name,
            in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots"))
    }

    @Test("imported demo answers render with their links resolved, tags linked and rules kept")
    func demoPosts() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let services = try await HearthServices.forTesting(database: database)
        defer { Task { await services.shutdown() } }
        _ = try await services.loadDemo()
        let ids = try await database.read { sql in
            try await sql.raw("SELECT id FROM posts").all().map { PostID(try $0.decode(column: "id", as: Int64.self)) }
        }
        let posts = try await SQLForumRepository(database: database).posts(ids: ids)
        // No post of the demo keeps Stack Exchange's syntax.
        for post in posts {
            #expect(!post.body.contains("[tag:") && !post.body.contains("[meta-tag:"), "\(post.body)")
            #expect(post.body.range(of: #"(?m)^ {0,3}\[[^\]]+\]:\s*https?://"#, options: .regularExpression) == nil)
            #expect(post.body.range(of: #"\]\[\d+\]"#, options: .regularExpression) == nil, "\(post.body)")
        }
        for (answer, author) in Self.answers {
            let source = "https://french.meta.stackexchange.com/a/\(answer)"
            let imported = try #require(posts.first { $0.body.contains("(\(source))") }, "answer \(answer)")
            let post = try await services.forum.post(nil, id: imported.id)
            let licence = post.createdAt < Date(timeIntervalSince1970: 1_525_219_200) ? "3.0" : "4.0"
            try check(
                "<!-- \(source) by \(author), CC BY-SA \(licence); rendered by Hearth -->\n"
                    + "<div class=\"post-body\">\(imported.html)</div>\n",
                "demo-answer-\(answer)")
        }
    }
}
