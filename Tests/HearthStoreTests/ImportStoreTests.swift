import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import SQLKit
import Testing

@Suite("Import repository")
struct ImportStoreTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let source = "test:site"

    func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    func member(_ id: String, _ name: String) -> ImportedMember {
        ImportedMember(externalID: id, displayName: name, bio: "", createdAt: start)
    }

    func post(_ id: String, by author: String, at minutes: Double, quoting: String? = nil) -> ImportedPost {
        ImportedPost(
            externalID: id, authorExternalID: author, body: "Post \(id) about kettles", html: "<p>Post \(id)</p>",
            createdAt: at(minutes), quotesExternalID: quoting)
    }

    /// A community, and the first batch of a site: three people called Ana (one already a member here), a thread
    /// whose reply quotes the opening post and whose comment quotes the reply, with an edit and reactions.
    func firstBatch(_ engine: TestEngine) async throws -> (HearthDatabase, CategoryID, ImportBatch) {
        let database = try await TestDatabase.make(engine)
        _ = try await SQLMemberRepository(database: database).create(
            NewMember(email: "ana@example.org", displayName: "Ana", role: .member, passwordHash: "x", createdAt: start))
        let category = try await SQLForumRepository(database: database).createCategory(
            NewCategory(slug: "site", name: "Site", description: "", startPolicy: .everyone, kind: .forum))
        var reply = post("2", by: "11", at: 5, quoting: "1")
        reply.revisions = [ImportedRevision(body: "Earlier", editorExternalID: "10", replacedAt: at(6))]
        reply.reactions = [
            ImportedReaction(memberExternalID: "10", kind: .thanks, createdAt: at(7)),
            ImportedReaction(memberExternalID: "11", kind: .heart, createdAt: at(8)),
            ImportedReaction(memberExternalID: "11", kind: .heart, createdAt: at(9)),
        ]
        let thread = ImportedThread(
            externalID: "1", categoryID: category.id, title: "Kettles",
            posts: [post("1", by: "10", at: 0), reply, post("comment-3", by: "10", at: 10, quoting: "2")],
            closedAt: nil)
        let batch = ImportBatch(members: [member("10", "Ana"), member("11", "Ana")], threads: [thread])
        return (database, category.id, batch)
    }

    @Test(
        "a batch writes members with free handles, a topic with its counters, posts with their quotes, edits and reactions",
        arguments: TestEngine.allCases)
    func batch(engine: TestEngine) async throws {
        let (database, _, batch) = try await firstBatch(engine)
        defer { Task { await database.close() } }
        let repository = SQLImportRepository(database: database)
        let counts = try await repository.write(batch, source: source)
        #expect(counts.members == 2)
        #expect(counts.topics == 1)
        #expect(counts.posts == 3)
        #expect(counts.revisions == 1)
        #expect(counts.reactions == 2, "one heart per member and post")
        #expect(counts.alreadyThere == 0)

        let handles = try await database.read { sql in
            try await sql.raw("SELECT handle FROM members ORDER BY id").all(decodingColumn: "handle", as: String.self)
        }
        #expect(handles == ["ana", "ana2", "ana3"])
        let topic = try #require(
            try await database.read { sql in
                try await sql.raw("SELECT post_count, highest_number, last_posted_at FROM topics").first()
            })
        #expect(try topic.decode(column: "post_count", as: Int.self) == 3)
        #expect(try topic.decode(column: "highest_number", as: Int.self) == 3)
        #expect(try topic.decode(column: "last_posted_at", as: Int64.self) == at(10).millisecondsSince1970)
        let posts = try await database.read { sql in
            try await sql.raw("SELECT id, number, quote_post_id, edit_count FROM posts ORDER BY number").all()
        }
        let ids = try posts.map { try $0.decode(column: "id", as: Int64.self) }
        #expect(try posts.map { try $0.decode(column: "number", as: Int.self) } == [1, 2, 3])
        #expect(ids == ids.sorted(), "ids follow the thread's order")
        #expect(try posts.map { try $0.decode(column: "quote_post_id", as: Int64?.self) } == [nil, ids[0], ids[1]])
        #expect(try posts.map { try $0.decode(column: "edit_count", as: Int.self) } == [0, 1, 0])
        #expect(try await database.count(from: "import_ledger") == 2 + 1 + 3)

        // Search finds the posts once the index has caught up.
        let search = SQLSearchRepository(database: database)
        #expect(try await search.search(SearchQuery(text: "kettles")).count == 3)
    }

    @Test(
        "writing a batch again adds nothing, and a later batch continues a topic after its last post",
        arguments: TestEngine.allCases)
    func again(engine: TestEngine) async throws {
        let (database, _, batch) = try await firstBatch(engine)
        defer { Task { await database.close() } }
        let repository = SQLImportRepository(database: database)
        _ = try await repository.write(batch, source: source)

        let repeated = try await repository.write(batch, source: source)
        #expect(repeated.members + repeated.topics + repeated.posts + repeated.revisions + repeated.reactions == 0)
        #expect(repeated.alreadyThere == 1 + 3)
        #expect(try await database.count(from: "posts") == 3)

        // A newer dump: the thread has a new answer by a new Ana, quoting the opening post written before.
        var thread = batch.threads[0]
        thread.posts.append(post("4", by: "12", at: 20, quoting: "1"))
        let later = try await repository.write(
            ImportBatch(members: [member("12", "Ana")], threads: [thread]), source: source)
        #expect(later.members == 1)
        #expect(later.posts == 1)
        #expect(later.alreadyThere == 1 + 3)
        let handles = try await database.read { sql in
            try await sql.raw("SELECT handle FROM members ORDER BY id").all(decodingColumn: "handle", as: String.self)
        }
        #expect(handles == ["ana", "ana2", "ana3", "ana4"])
        let topic = try #require(
            try await database.read { sql in
                try await sql.raw("SELECT post_count, highest_number, last_posted_at FROM topics").first()
            })
        #expect(try topic.decode(column: "post_count", as: Int.self) == 4)
        #expect(try topic.decode(column: "highest_number", as: Int.self) == 4)
        #expect(try topic.decode(column: "last_posted_at", as: Int64.self) == at(20).millisecondsSince1970)
        let newest = try #require(
            try await database.read { sql in
                try await sql.raw(
                    "SELECT p.number, q.number AS quoted FROM posts p JOIN posts q ON q.id = p.quote_post_id ORDER BY p.id DESC"
                ).first()
            })
        #expect(try newest.decode(column: "number", as: Int.self) == 4)
        #expect(try newest.decode(column: "quoted", as: Int.self) == 1)
    }

    @Test(
        "a post that names someone the import did not bring is refused with the batch", arguments: TestEngine.allCases)
    func unknownMember(engine: TestEngine) async throws {
        let (database, _, batch) = try await firstBatch(engine)
        defer { Task { await database.close() } }
        let repository = SQLImportRepository(database: database)
        await #expect(throws: HearthError.self) {
            try await repository.write(
                ImportBatch(members: [member("10", "Ana")], threads: batch.threads), source: source)
        }
        #expect(try await database.count(from: "members") == 1, "nothing of the batch is kept")
        #expect(try await database.count(from: "topics") == 0)
    }
}
