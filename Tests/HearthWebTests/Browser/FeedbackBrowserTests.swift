import Foundation
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// The feedback board in a real headless Chromium against the real server: the community manager says yes to a
/// suggestion the engine found in the forum, a member votes for it, the community manager plans it, and the
/// thread where it was born gets the answer.
@Suite("Feedback board in the browser", .serialized)
struct FeedbackBrowserTests {
    @Test("a suggestion found in the forum is accepted, voted, planned and answered in its thread")
    func loop() async throws {
        let (community, port) = try await TestCommunity.live("feedback")
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let marie = Viewer(member: try await community.member("marie@example.org"), credential: .session(SessionID(0)))
        let (topic, post) = try await services.forum.startTopic(
            marie, in: category.id, title: "Dark mode for the app",
            body:
                "It would be great if you could add a dark mode to the mobile app. Please consider a dark theme option for reading at night."
        )
        try await community.member("rita@example.org")

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await browser.steps("feedback-loop") {
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.open(site + "/feedback")
                    try await browser.waitFor("href=\"/feedback/candidates\"")
                    try await browser.click("a[href='/feedback/candidates']")
                    try await browser.waitFor("id=\"candidate-\(post.id.rawValue)\"")
                    #expect(try await browser.text("#candidate-\(post.id.rawValue)").contains("Why:"))
                    try await browser.click("#candidate-\(post.id.rawValue) button[value=yes]")
                    try await browser.waitFor("The post started item #")
                    try await browser.open(site + "/feedback")
                    try await browser.waitFor("Dark mode for the app")
                    try await Showcase.logOut(browser, site: site)

                    // A member votes, once.
                    try await Showcase.logIn(browser, site: site, email: "rita@example.org")
                    try await browser.open(site + "/feedback")
                    try await browser.click("ol.feedback-board a")
                    try await browser.waitFor("+1 Vote")
                    try await browser.click("form[action$='/vote'] button")
                    try await browser.waitFor("Take my vote back")
                    let counted = try await browser.text("h1 + p")
                    #expect(counted.contains("1 vote") && !counted.contains("1 votes"))
                    try await Showcase.logOut(browser, site: site)

                    // The community manager plans it, with a note.
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.open(site + "/feedback")
                    try await browser.click("ol.feedback-board a")
                    try await browser.waitFor("id=\"manage-heading\"")
                    try await browser.select("planned", in: "#status")
                    try await browser.type("Coming in the spring version.", into: "#note")
                    try await browser.click("form[action$='/status'] button")
                    try await browser.waitFor("The status changed")
                }
                // The job runner carries it back (the server's loop runs in `hearth serve`; here, the test's).
                try await services.jobs.drain()
                try await browser.steps("feedback-answered") {
                    try await browser.open(site + "/t/\(topic.id.rawValue)")
                    try await browser.waitFor("Coming in the spring version.")
                    try await browser.open(site + "/feedback")
                    try await browser.click("ol.feedback-board a")
                    try await browser.waitFor("Answered in")
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let item = try #require(try await services.feedback.items(nil, FeedbackQuery()).items.first)
        #expect(item.status == .planned)
        #expect(item.votes == 1)
        #expect(item.answeredAt != nil)
    }
}
