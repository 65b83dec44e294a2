import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// The review queue worked from the keyboard, in a real headless Chromium against the real server.
@Suite("Review queue in the browser", .serialized)
struct ReviewQueueBrowserTests {
    @Test("a moderator shows the keys, moves with j, hides with h and defers with d, without touching the mouse")
    func keyboard() async throws {
        let (community, port) = try await TestCommunity.live("review")
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let troll = Viewer(member: try await community.member("troll@example.org"), credential: .session(SessionID(0)))
        let (topic, _) = try await services.forum.startTopic(
            troll, in: category.id, title: "A fair question", body: "Why?")
        let first = try await services.forum.reply(troll, to: topic.id, body: "The first provocation")
        let second = try await services.forum.reply(troll, to: topic.id, body: "The second provocation")
        let reporter = Viewer(member: try await community.member("ana@example.org"), credential: .session(SessionID(0)))
        try await services.moderation.flag(reporter, post: first.id, reason: .inappropriate)
        try await services.moderation.flag(reporter, post: second.id, reason: .spam)

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await browser.steps("review-keyboard") {
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.waitFor("href=\"/review\"")
                    try await browser.open(site + "/review")
                    try await browser.waitFor("keyboard-ready")
                    try await browser.press("?")
                    try await browser.waitFor("<section id=\"review-keys\" class=\"notice\" aria-label")
                    // The second item is below the first; j moves to it, h hides it.
                    try await browser.press("j")
                    try await browser.waitFor("review-item current\" tabindex=\"-1\" data-id=\"2\"")
                    try await browser.press("h")
                    try await Self.waitUntilGone("data-id=\"2\"", in: browser)
                    try await browser.waitFor("Item #2: the post is hidden and its author is told why.")
                    try await browser.waitFor("keyboard-ready")
                    // One item left: d sends it to tomorrow morning, and the page says which day.
                    try await browser.press("d")
                    try await browser.waitFor("Nothing waits for review.")
                    try await browser.waitFor("Item #1 sleeps until ")
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let page = try await services.forum.topicPage(staff, topic: topic.id)
        #expect(page.posts.first { $0.id == second.id }?.moderation == .hidden, "h hid the second post")
        #expect(page.posts.first { $0.id == first.id }?.moderation == .visible, "d only deferred the first")
        let log = try await services.moderation.log(staff)
        #expect(log.map(\.action).prefix(2) == ["defer", "hide"])
    }

    /// Waits until the page no longer holds `text` (the form's answer has replaced it).
    static func waitUntilGone(_ text: String, in browser: Browser, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await !browser.source.contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Browser.Failure(description: "the page still shows \"\(text)\"")
    }
}
