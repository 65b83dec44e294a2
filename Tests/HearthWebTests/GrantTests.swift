import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Grants")
struct GrantTests {
    @Test(
        "a stored, time-windowed grant reaches the pages and the API at once, and stops outside its window",
        arguments: TestEngine.allCases)
    func grantOnEverySurface(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let forum = community.services.forum
        let general = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        let other = try await forum.createCategory(staff, name: "Other", description: "", startPolicy: .everyone)
        let bob = try await community.member("bob@example.org")
        let bobViewer = Viewer(member: bob, credential: .session(SessionID(0)))
        let (topic, _) = try await forum.startTopic(bobViewer, in: general.id, title: "Hello there", body: "First")
        let removed = try await forum.reply(bobViewer, to: topic.id, body: "Something regrettable")
        try await forum.delete(bobViewer, post: removed.id)
        let (elsewhere, _) = try await forum.startTopic(bobViewer, in: other.id, title: "Elsewhere", body: "x")
        let gone = try await forum.reply(bobViewer, to: elsewhere.id, body: "Also regrettable")
        try await forum.delete(bobViewer, post: gone.id)

        let ana = try await community.member("ana@example.org")
        // The test clock starts at 14:13 UTC: an advisor on duty from 14:00 to 15:00.
        let grant = try await community.services.grants.give(
            staff, to: ana.id, title: "Afternoon advisor", actions: [.seeRemoved], category: general.id,
            window: DailyWindow(startMinute: 14 * 60, endMinute: 15 * 60, timeZoneIdentifier: "UTC"))
        await #expect(throws: HearthError.self) {
            try await community.services.grants.give(
                Viewer(member: ana, credential: .session(SessionID(0))), to: ana.id, title: "Self-appointed",
                actions: [.hidePost])
        }
        let (_, key) = try await community.services.apiKeys.create(
            name: "k", scope: .read, ownerEmail: "ana@example.org")

        try await community.test { client in
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "ana@example.org")
            func pageShows(_ id: TopicID, _ text: String) async throws -> Bool {
                try await browser.get("/t/\(id)").body.contains(text)
            }
            func apiShows(_ id: TopicID, _ text: String) async throws -> Bool {
                let response = try await client.execute(
                    uri: "/api/v1/topics/\(id)", method: .get, headers: [.authorization: "Bearer \(key)"])
                return String(buffer: response.body).contains(text)
            }
            #expect(try await pageShows(topic.id, "Something regrettable"), "the grant works on pages")
            #expect(try await apiShows(topic.id, "Something regrettable"), "and over the API")
            #expect(try await !pageShows(elsewhere.id, "Also regrettable"), "only in its category")
            #expect(try await !apiShows(elsewhere.id, "Also regrettable"))

            community.clock.advance(by: 3_600)
            #expect(try await !pageShows(topic.id, "Something regrettable"), "not outside its window")
            #expect(try await !apiShows(topic.id, "Something regrettable"))

            community.clock.advance(by: -3_600)
            try await community.services.grants.revoke(staff, grant.id)
            #expect(try await !pageShows(topic.id, "Something regrettable"), "nor once taken back")
            #expect(try await !apiShows(topic.id, "Something regrettable"))
        }
        #expect(try await community.services.grants.list(staff).isEmpty)
    }
}
