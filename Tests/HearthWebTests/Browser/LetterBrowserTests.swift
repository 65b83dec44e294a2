import Foundation
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// The weekly letter in a real headless Chromium against the real server: the community manager drafts last
/// week's letter, writes an introduction, leaves the health figures out, saves, looks at the mail as it will
/// arrive (600 px wide, and on a phone, nothing sticking out), and sends it.
@Suite("Weekly letter in the browser", .serialized)
struct LetterBrowserTests {
    @Test("a letter is drafted, previewed, edited and sent")
    func letter() async throws {
        let (community, port) = try await TestCommunity.live(
            "letter", environment: ["HEARTH_LETTER_RECIPIENTS": "boss@example.org"])
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let marie = Viewer(member: try await community.member("marie@example.org"), credential: .session(SessionID(0)))
        community.clock.advance(by: -5 * 86_400)
        let (topic, _) = try await services.forum.startTopic(
            marie, in: category.id, title: "A reading club on Thursdays?",
            body:
                "Would anyone like to meet on Thursday evenings to talk about the books we read? A small reading club could be lovely."
        )
        _ = try await services.forum.reply(
            staff, to: topic.id, body: "What a lovely idea: the reading club could meet in the evening category.")
        community.clock.advance(by: 5 * 86_400)
        let week = services.letters.lastWeek.description

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await browser.steps("letter-edit") {
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.open(site + "/letters")
                    try await browser.waitFor("value=\"\(week)\"")
                    try await browser.click("form[action='/letters/draft'] button")
                    try await browser.waitFor("<iframe")
                    try await browser.type("A *calm* week, and a reading club is born.", into: "#letter-intro")
                    try await browser.click("input[name=include][value=health]")
                    try await browser.click("button[value=save]")
                    try await browser.waitFor("The letter is saved.")
                }
                try await browser.steps("letter-mail") {
                    // The HTML part as it will arrive, at the mail's own width and on a phone.
                    for width in [600, 375] {
                        try await browser.viewport(width: width, height: 900)
                        try await browser.open(site + "/letters/\(week)/mail")
                        try await browser.waitFor("A reading club on Thursdays?")
                        let overflow = try await browser.execute(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                        #expect(overflow as? Int == 0, "nothing sticks out at \(width) px")
                        let shot = try await browser.png()
                        #expect(shot.count > 10_000, "a screenshot with the letter in it")
                        try shot.write(
                            to: FileManager.default.temporaryDirectory.appendingPathComponent("letter-\(width).png"))
                    }
                    #expect(try await browser.text("body").contains("A calm week, and a reading club is born."))
                    #expect(!(try await browser.text("body").contains("Health, week over week")))
                    try await browser.viewport(width: 1_200, height: 900)
                }
                try await browser.steps("letter-send") {
                    try await browser.open(site + "/letters/\(week)")
                    try await browser.waitFor("Save and send")
                    try await browser.click("button[value=send]")
                    try await browser.waitFor("The letter is on its way")
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        try await services.jobs.drain()
        let sent = try #require(community.mail.messages.first)
        #expect(sent.to == ["boss@example.org"])
        #expect(sent.textBody.contains("A *calm* week"))
        #expect(!sent.textBody.contains("HEALTH, WEEK OVER WEEK"))
        #expect(sent.textBody.contains("A reading club on Thursdays?"))
    }
}
