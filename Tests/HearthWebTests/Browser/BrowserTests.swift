import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// The community as a person uses it, in a real headless Chromium against the real server.
@Suite("In the browser", .serialized)
struct BrowserTests {
    @Test(
        "sign up, log in, start a topic with an image, reply with a quote and a mention, search, read the notification, switch to French, comment on an article"
    )
    func journey() async throws {
        let port = try TestEnvironment.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-browser-\(UUID().uuidString)")
        let community = try await TestCommunity.make(
            environment: [
                "HEARTH_PORT": String(port), "HEARTH_PUBLIC_URL": "http://127.0.0.1:\(port)",
                "HEARTH_DATA_DIR": data.path,
            ])
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        _ = try await community.services.forum.createCategory(
            staff, name: "General", description: "Anything", startPolicy: .everyone)
        _ = try await community.services.blog.create(
            staff, ArticleDraft(title: "Welcome to our blog", body: "Tell us what you think.", status: .published))
        let bob = try await community.member("bob@example.org")
        let image = data.appendingPathComponent("photo.png")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(TestImages.png).write(to: image)

        let browser = try await Browser.start()
        try await community.testLive { client in
            // The test framework binds its own free port.
            let site = "http://127.0.0.1:\(client.port ?? port)"
            // The browser goes before the server stops: its open keep-alive connections would hold the
            // server's graceful shutdown.
            do {
                try await journey(browser, site: site, topicImage: image.path, bobName: bob.displayName)
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    private func journey(_ browser: Browser, site: String, topicImage: String, bobName: String) async throws {
        try await browser.steps("journey") {
            // Sign up, which logs in, then log out and in again.
            try await browser.open(site + "/signup")
            try await browser.type("Zoé Lambert", into: "#name")
            try await browser.type("zoe@example.org", into: "#email")
            try await browser.type("a long enough password", into: "#password")
            try await browser.click("form[action='/signup'] button[type=submit]")
            try await browser.waitFor("<strong>Zoé Lambert</strong>")
            try await logOut(browser)
            try await logIn(browser, site, "zoe@example.org")

            // A topic with an image.
            try await browser.open(site + "/new-topic")
            try await browser.select("1", in: "#category")
            try await browser.type("Photos of the meetup", into: "#title")
            try await browser.type("Here is the **best** one.", into: "#body")
            try await browser.attach(topicImage, to: "#image")
            try await browser.click("form[action='/new-topic'] button[type=submit]")
            try await browser.waitFor("<strong>best</strong>")
            try await browser.waitFor("<img src=\"/uploads/")
            let topicURL = try await browser.currentURL

            // Bob quotes and mentions Zoé.
            try await logOut(browser)
            try await logIn(browser, site, "bob@example.org")
            try await browser.open(topicURL)
            try await browser.click("a[href*='quote=']")
            try await browser.waitFor("Quoting Zoé Lambert")
            try await browser.type("Lovely, @zoe_lambert! Who took it?", into: "#body")
            try await browser.click("#reply button[type=submit]")
            try await browser.waitFor("<a class=\"mention\" href=\"/u/zoe_lambert\">@zoe_lambert</a>")
            try await browser.waitFor("Zoé Lambert wrote")

            // Search finds it, accents or not.
            try await browser.open(site + "/search")
            try await browser.type("meetup", into: "#q")
            try await browser.click("form[role=search] button[type=submit]")
            try await browser.waitFor("Photos of the meetup</a>")

            // Zoé reads her notification.
            try await logOut(browser)
            try await logIn(browser, site, "zoe@example.org")
            try await browser.waitFor("class=\"badge\" aria-label=\"1 unread\"")
            try await browser.click("a[href='/notifications']")
            try await browser.waitFor("\(bobName) quoted you in Photos of the meetup")

            // French, kept on her account; the switch is in the account menu.
            try await browser.click("details.menu summary")
            try await browser.click("form[action='/language'] button")
            try await browser.waitFor("<html lang=\"fr\">")
            try await browser.open(site + "/")
            try await browser.waitFor("Derniers sujets")

            // A comment on the article.
            try await browser.open(site + "/blog/welcome-to-our-blog")
            try await browser.type("Merci pour ce blog !", into: "#body")
            try await browser.click("#reply button[type=submit]")
            try await browser.waitFor("<p>Merci pour ce blog !</p>")
        }
    }

    /// Logs out and waits for the page that follows, so the next step does not race the redirect.
    private func logOut(_ browser: Browser) async throws {
        try await browser.click("details.menu summary")
        try await browser.click("form[action='/logout'] button")
        try await browser.waitFor(">Log in</a>")
    }

    private func logIn(_ browser: Browser, _ site: String, _ email: String) async throws {
        try await browser.open(site + "/login")
        try await browser.type(email, into: "#email")
        try await browser.type("a long enough password", into: "#password")
        try await browser.click("form[action='/login'] button[type=submit]")
        try await browser.waitFor("<form class=\"inline\" method=\"post\" action=\"/logout\">")
    }
}
