import AsyncHTTPClient
import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// Hearth's own feeds, fetched and read by the outside sources' fetcher and parser as another community's would
/// be (issue 22's ground; the hostile cases are in `OutsideFeedTests`).
@Suite("Hearth's feeds read from outside")
struct OutsideHearthFeedTests {
    @Test("Hearth's own feeds, read as a second community's")
    func hearthFeeds() async throws {
        let (community, port) = try await TestCommunity.live("outside-feeds")
        defer { community.close() }
        let services = community.services
        let manager = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        _ = try await services.forum.startTopic(
            staff, in: category.id, title: "The spring release is out", body: "Everything about the spring release.")
        try await community.testLive { live in
            let served = live.port ?? port
            let fetcher = OutsideFetcher(allowPrivate: true)
            for path in ["/latest.rss", "/latest.atom"] {
                guard case .fresh(let body, _, _) = try await fetcher.fetch("http://127.0.0.1:\(served)\(path)")
                else {
                    Issue.record("\(path) brought nothing")
                    continue
                }
                let entries = try FeedParser.parse(body).entries
                #expect(entries.map(\.title).contains("The spring release is out"), "\(path)")
                // Links name the community's public address.
                #expect(entries.allSatisfy { $0.link?.hasPrefix("http://127.0.0.1:\(port)/t/") == true })
            }
        }
    }
}
