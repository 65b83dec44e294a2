import HearthCore
import HearthStore
import HearthTestSupport
import Logging
import Testing

@testable import HearthApp

@Suite("Search indexing in the background")
struct SearchIndexerTests {
    @Test("the server's indexer empties SQLite's backlog without any search asking for it")
    func drainsBacklog() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.close() } }
        let services = try await HearthServices.forTesting(database: database)
        let manager = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let viewer = Viewer(member: manager, credential: .session(SessionID(1)))
        let category = try await services.forum.createCategory(
            viewer, name: "General", description: "Anything", startPolicy: .everyone)
        _ = try await services.forum.startTopic(viewer, in: category.id, title: "Zebra", body: "Stripes.")
        func waiting() async throws -> Int { try await database.count(from: "search_backlog") }
        #expect(try await waiting() == 1)

        let indexer = Task {
            try await SearchIndexer(search: services.search, logger: Logger(label: "test.indexer")).run()
        }
        defer { indexer.cancel() }
        for _ in 0..<50 where try await waiting() > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await waiting() == 0)
        #expect(try await database.count(from: "search_posts WHERE search_posts MATCH 'zebra'") == 1)
    }
}
