import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Account pages")
struct AccountPagesTests {
    @Test(
        "the first-run link creates the community manager, logs them in, and then stops working",
        arguments: TestEngine.allCases)
    func firstRun(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let link = try #require(try await community.services.accounts.issueSetupLink())
        let path = String(link.dropFirst("http://hearth.test".count))
        try await community.test { client in
            var browser = WebClient(client)
            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.body.contains("Create the community manager"))

            let weak = try await browser.post(
                path, form: ["name": "Camille", "email": "cm@example.org", "password": "short"])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.body.contains("at least 10 characters"))
            #expect(weak.body.contains(#"value="cm@example.org""#))

            let done = try await browser.post(
                path, form: ["name": "Camille", "email": "cm@example.org", "password": "a long enough password"])
            #expect(done.status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.body.contains("logged in as <strong>Camille</strong> (community manager)"))

            var stranger = WebClient(client)
            #expect(try await stranger.get(path).status == .notFound)
        }
        #expect(try await community.services.accounts.issueSetupLink() == nil)
    }

    @Test("refusals and errors from the domain reach a French reader in French")
    func frenchMessages() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/language?to=fr")
            try await browser.get("/login")
            let wrong = try await browser.post(
                "/login", form: ["email": "ana@example.org", "password": "not the password"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte."))
            let missing = try await browser.get("/t/999")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("Ce sujet n&#39;existe pas ou a été retiré."))
        }
    }

    @Test("log-in works, a wrong password says so, and the sixth failure in a row is rate-limited")
    func logIn() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/login")
            for _ in 0..<5 {
                let wrong = try await browser.post(
                    "/login", form: ["email": "ana@example.org", "password": "not the password"])
                #expect(wrong.status == .unauthorized)
                #expect(wrong.body.contains("do not match an account"))
            }
            let limited = try await browser.post(
                "/login", form: ["email": "ana@example.org", "password": "a long enough password"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(limited.body.contains("Too many failed attempts"))
        }
        community.clock.advance(by: 901)
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/login")
            let ok = try await browser.post(
                "/login", form: ["email": "ANA@example.org", "password": "a long enough password"])
            #expect(ok.status == .seeOther)
            #expect(browser.cookies["hearth_session"] != nil)
            #expect(try await browser.get("/").body.contains("logged in as"))

            try await browser.post("/logout", form: [:])
            #expect(browser.cookies["hearth_session"] == nil)
            #expect(try await browser.get("/").body.contains("logged in as") == false)
        }
    }

    @Test("the session cookie is HttpOnly and SameSite=Lax, and Secure when the public URL is https")
    func cookieAttributes() async throws {
        for (url, secure) in [("http://hearth.test", false), ("https://forum.example.org", true)] {
            let community = try await TestCommunity.make(environment: ["HEARTH_PUBLIC_URL": url])
            defer { community.close() }
            try await community.member("bo@example.org")
            try await community.test { client in
                var browser = WebClient(client)
                try await browser.get("/login")
                let response = try await client.execute(
                    uri: "/login", method: .post,
                    headers: [
                        .contentType: "application/x-www-form-urlencoded",
                        .cookie: "hearth_csrf=\(browser.cookies["hearth_csrf"] ?? "")",
                    ],
                    body: ByteBuffer(
                        string: "csrf=\(browser.csrf)&email=bo%40example.org&password=a+long+enough+password"))
                let cookie = try #require(
                    response.headers[values: .setCookie].first { $0.hasPrefix("hearth_session=") })
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Lax"))
                #expect(cookie.contains("Secure") == secure)
                browser.csrf = ""
            }
        }
    }

    @Test("a form posted without the page's CSRF token is refused and changes nothing")
    func csrf() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/signup")
            let forged = try await browser.post(
                "/signup", form: ["name": "Eve", "email": "eve@example.org", "password": "a long enough password"],
                withCSRF: false)
            #expect(forged.status == .forbidden)
            browser.csrf = "not-the-token"
            let wrong = try await browser.post(
                "/signup",
                form: ["name": "Eve", "email": "eve@example.org", "password": "a long enough password", "csrf": "x"],
                withCSRF: false)
            #expect(wrong.status == .forbidden)
        }
        #expect(
            try await community.services.database.read { sql in
                try await sql.select().column("id").from("members").all().count
            } == 0)
    }

    @Test("sign-up follows the configured mode: open, invite-only, closed")
    func signupModes() async throws {
        let open = try await TestCommunity.make()
        defer { open.close() }
        try await open.test { client in
            var browser = WebClient(client)
            try await browser.get("/signup")
            let done = try await browser.post(
                "/signup", form: ["name": "Dee", "email": "dee@example.org", "password": "a long enough password"])
            #expect(done.status == .seeOther)
            #expect(try await browser.get("/").body.contains("logged in as <strong>Dee</strong> (member)"))
        }

        let closed = try await TestCommunity.make(environment: ["HEARTH_SIGNUP": "closed"])

        defer { closed.close() }
        try await closed.test { client in
            var browser = WebClient(client)
            let page = try await browser.get("/signup")
            #expect(page.status == .forbidden)
        }

        let invited = try await TestCommunity.make(environment: ["HEARTH_SIGNUP": "invite_only"])

        defer { invited.close() }
        let link = try await invited.services.accounts.invite(email: nil)
        let path = String(link.dropFirst("http://hearth.test".count))
        try await invited.test { client in
            var browser = WebClient(client)
            #expect(try await browser.get("/signup").status == .forbidden)
            #expect(try await browser.get(path).status == .ok)
            let token = String(path.split(separator: "=")[1])
            let done = try await browser.post(
                "/signup",
                form: [
                    "name": "Fay", "email": "fay@example.org", "password": "a long enough password", "invite": token,
                ])
            #expect(done.status == .seeOther)
            var second = WebClient(client)
            try await second.get(path)
            let reused = try await second.post(
                "/signup",
                form: [
                    "name": "Gus", "email": "gus@example.org", "password": "a long enough password", "invite": token,
                ])
            #expect(reused.status == .forbidden)
        }
    }

    @Test(
        "a password reset link is e-mailed, works once, and signs out the other sessions",
        arguments: TestEngine.allCases)
    func passwordReset(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        try await community.member("hal@example.org")
        try await community.test { client in
            var other = WebClient(client)
            try await other.get("/login")
            try await other.post("/login", form: ["email": "hal@example.org", "password": "a long enough password"])
            #expect(try await other.get("/").body.contains("logged in as"))

            var browser = WebClient(client)
            try await browser.get("/password/forgot")
            let unknown = try await browser.post("/password/forgot", form: ["email": "nobody@example.org"])
            #expect(unknown.body.contains("If an account uses this address"))
            let asked = try await browser.post("/password/forgot", form: ["email": "hal@example.org"])
            #expect(asked.body.contains("If an account uses this address"))
        }
        #expect(community.mail.messages.isEmpty, "the e-mail waits in the outbox until the request is done")
        try await community.services.jobs.drain()
        #expect(community.mail.messages.count == 1)
        let text = try #require(community.mail.messages.first?.textBody)
        let link = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("http://hearth.test/password/reset/") })
        let path = String(link.dropFirst("http://hearth.test".count))
        try await community.test { client in
            var browser = WebClient(client)
            #expect(try await browser.get(path).status == .ok)
            let done = try await browser.post(path, form: ["password": "a brand new password"])
            #expect(done.status == .seeOther)
            #expect(try await browser.get(path).status == .notFound)
        }
        _ = try await community.services.accounts.logIn(
            email: "hal@example.org", password: "a brand new password", clientAddress: "test")
        let sessions = try await community.services.database.read { sql in
            try await sql.select().column("id").from("sessions").all().count
        }
        #expect(sessions == 1, "only the session started by the reset remains")
    }

    @Test("changing the password needs the current one")
    func changePassword() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.member("ivy@example.org")
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/login")
            try await browser.post("/login", form: ["email": "ivy@example.org", "password": "a long enough password"])
            try await browser.get("/password")
            let wrong = try await browser.post(
                "/password", form: ["current_password": "wrong", "password": "another long password"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("current password is not right"))
            let ok = try await browser.post(
                "/password", form: ["current_password": "a long enough password", "password": "another long password"])
            #expect(ok.status == .ok)
            #expect(ok.body.contains("Password changed"))
        }
    }
}
