import Foundation
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// The inbox worked from the keyboard, in a real headless Chromium against the real server.
@Suite("Inbox in the browser", .serialized)
struct InboxBrowserTests {
    @Test(
        "a community manager lets a troll be with t, keeps a report up with p and answers a newcomer with r, from the keyboard"
    )
    func keyboard() async throws {
        let (community, port) = try await TestCommunity.live("inbox")
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let newcomer = Viewer(
            member: try await community.member("noah@example.org"), credential: .session(SessionID(0)))
        let (question, questionPost) = try await services.forum.startTopic(
            newcomer, in: category.id, title: "Export",
            body: "How do I export my reading list to a spreadsheet? I looked through the settings but found nothing.")
        let regular = Viewer(
            member: try await community.member("regina@example.org"), credential: .session(SessionID(0)))
        let (_, reportPost) = try await services.forum.startTopic(
            regular, in: category.id, title: "Export crashes",
            body: "The app crashes every time I open the export page since the last update. It worked fine last week.")
        let troll = Viewer(member: try await community.member("trevor@example.org"), credential: .session(SessionID(0)))
        let (_, trollPost) = try await services.forum.startTopic(
            troll, in: category.id, title: "Seriously",
            body: "Why is this forum run by idiots? Are you all too stupid to fix anything, you morons?")
        let items = try await services.inbox.page(staff).items
        let questionItem = try #require(items.first { $0.postID == questionPost.id })
        let reportItem = try #require(items.first { $0.postID == reportPost.id })
        let trollItem = try #require(items.first { $0.postID == trollPost.id })
        #expect(
            items.map(\.id) == [questionItem.id, reportItem.id, trollItem.id], "the newcomer first, the troll last")

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await browser.steps("inbox-keyboard") {
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.waitFor("href=\"/inbox\"")
                    try await browser.open(site + "/inbox")
                    try await browser.waitFor("keyboard-ready")
                    try await browser.press("?")
                    try await browser.waitFor("<section id=\"inbox-keys\" class=\"notice\" aria-label")
                    // j moves to the bug report; p keeps it up: it comes back first.
                    try await browser.press("j")
                    try await browser.waitFor("inbox-item current\" id=\"item-\(reportItem.id.rawValue)\"")
                    try await browser.press("p")
                    try await browser.waitFor("Kept up the list.")
                    try await browser.waitFor("keyboard-ready")
                    // Down twice to the troll; t lets it be.
                    try await browser.press("jj")
                    try await browser.waitFor("inbox-item current\" id=\"item-\(trollItem.id.rawValue)\"")
                    try await browser.press("t")
                    try await browser.waitFor("Let be: out of your inbox, the post untouched.")
                    try await browser.waitFor("keyboard-ready")
                    try await browser.press("j")
                    try await browser.waitFor("inbox-item current\" id=\"item-\(questionItem.id.rawValue)\"")
                    // r puts the cursor in the first item's reply; the words go in; Tab reaches "quote", then the
                    // button, and Enter sends it.
                    try await browser.press("r")
                    try await browser.press("Settings, then Export, then CSV.")
                    try await browser.press("\u{E004}\u{E004}\u{E007}")
                    try await browser.waitFor("Your reply is in the thread; the item is handled.")
                    try await Self.waitUntilGone("id=\"item-\(questionItem.id.rawValue)\"", in: browser)
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let thread = try await services.forum.topicPage(staff, topic: question.id)
        #expect(thread.posts.last?.body == "Settings, then Export, then CSV.")
        #expect(thread.posts.last?.quotePostID == questionPost.id, "quoting is on by default")
        let stored = SQLInboxRepository(database: services.database)
        let decided = try await stored.item(questionItem.id)
        #expect(decided?.state == .handled)
        #expect(decided?.decision == .replied)
        #expect(try await stored.item(trollItem.id)?.state == .ignored)
        #expect(try await stored.item(reportItem.id)?.facts.keptBy == manager.displayName)
        #expect(try await services.forum.topicPage(staff, topic: trollPost.topicID).posts.first?.isDeleted == false)
    }

    static func waitUntilGone(_ text: String, in browser: Browser) async throws {
        try await ReviewQueueBrowserTests.waitUntilGone(text, in: browser)
    }
}
