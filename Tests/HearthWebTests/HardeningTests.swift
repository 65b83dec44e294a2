import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HearthWeb

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What an attack on Hearth found, each kept fixed by a case that failed before the fix.
@Suite("Hardening")
struct HardeningTests {
    static func community(_ engine: TestEngine = .sqlite, environment: [String: String] = [:]) async throws -> (
        TestCommunity, Viewer
    ) {
        let community = try await TestCommunity.make(engine: engine, environment: environment)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        _ = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        try await community.member("ana@example.org")
        return (community, staff)
    }

    static func isWellFormedXML(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }

    @Test(
        "a control character in a post, a name or a category never reaches a feed; every feed stays valid XML",
        arguments: TestEngine.allCases)
    func controlCharacters(engine: TestEngine) async throws {
        let (community, _) = try await Self.community(engine)
        defer { community.close() }
        let (_, key) = try await community.services.apiKeys.create(
            name: "k", scope: .write, ownerEmail: "cm@example.org")
        try await community.test { client in
            func api(_ method: HTTPRequest.Method, _ path: String, _ body: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/api/v1" + path, method: method,
                    headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                    body: ByteBuffer(string: body)
                ).status
            }
            #expect(try await api(.post, "/categories", #"{"name": "News\u000b and \u0001views"}"#) == .created)
            #expect(
                try await api(
                    .post, "/topics", #"{"categoryId": 1, "title": "Hi\u0008 there", "body": "hello \u000c world"}"#)
                    == .created)
            // An escaped backslash followed by text is not a control character, and is kept.
            #expect(try await api(.post, "/topics/1/posts", #"{"body": "a path C:\\u000c stays"}"#) == .created)

            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            let reply = try await ana.post("/t/1/replies", form: ["body": "form \u{0C}feed\u{1B} and \u{FFFE}"])
            #expect(reply.status == .seeOther)
            try await ana.get("/profile")
            let boundary = "hardening"
            let profile = try await ana.send(
                "/profile", method: .post,
                bytes: ByteBuffer(
                    bytes: TestImages.multipart(
                        boundary: boundary, fields: ["name": "Ana\u{0C} B", "bio": "x\u{01}y", "csrf": ana.csrf],
                        fileField: nil)),
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
            #expect(profile.status == .seeOther)

            for path in ["/latest.rss", "/latest.atom", "/c/news-and-views/feed.rss", "/c/general/feed.atom"] {
                let feed = try await client.execute(uri: path, method: .get)
                #expect(feed.status == .ok, "\(path)")
                let text = String(buffer: feed.body)
                #expect(Self.isWellFormedXML(text), "\(path) is well-formed XML")
                #expect(!text.unicodeScalars.contains { $0.isForbiddenInXML }, "\(path)")
            }
        }
        let page = try await community.services.forum.topicPage(nil, topic: TopicID(1))
        #expect(page.topic.title == "Hi there")
        #expect(page.posts.map(\.body) == ["hello  world", #"a path C:\u000c stays"#, "form feed and"])
        #expect(
            try await community.services.forum.categories().first { $0.slug == "news-and-views" }?.name
                == "News and views")
        let ana = try await community.services.profiles.member(handle: "member_ana")
        #expect(ana.displayName == "Ana B")
        #expect(ana.bio == "xy")
    }

    @Test("the language switch sends a visitor back to a page of this site only, and a GET changes no stored setting")
    func languageSwitch() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        try await community.test { client in
            var visitor = WebClient(client)
            for referer in [
                "http://evil.example//evil.example/phish", "//evil.example/x", "/\\evil.example",
                "https://evil.example",
                "/\t/evil.example", "javascript:alert(1)",
            ] {
                let answer = try await visitor.get("/language?to=fr", headers: [.referer: referer])
                #expect(answer.status == .seeOther)
                let location = try #require(answer.headers[.location])
                #expect(
                    location.hasPrefix("/") && !location.hasPrefix("//") && !location.hasPrefix("/\\"), "\(referer)")
                #expect(!location.contains("evil.example"), "\(referer) → \(location)")
            }
            let back = try await visitor.get("/language?to=fr", headers: [.referer: "http://hearth.test/t/1?page=2"])
            #expect(back.headers[.location] == "/t/1?page=2")

            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            let followed = try await ana.get("/language?to=fr")
            #expect(followed.status == .seeOther)
            let member = try await community.services.profiles.member(handle: "member_ana")
            #expect(member.language == nil, "a link another site makes a browser follow changes nothing stored")
            #expect(try await ana.post("/language", form: ["language": "fr"], withCSRF: false).status == .forbidden)
            #expect(try await ana.post("/language", form: ["language": "fr"]).status == .seeOther)
            #expect(try await community.services.profiles.member(handle: "member_ana").language == .french)
        }
    }

    @Test("a reset link asked for before a password change no longer works after it")
    func resetLinkVoidedByChange() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/password/forgot")
            try await browser.post("/password/forgot", form: ["email": "ana@example.org"])
        }
        try await community.services.jobs.drain()
        let text = try #require(community.mail.messages.last?.textBody)
        let link = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("http://hearth.test/password/reset/") })
        let path = String(link.dropFirst("http://hearth.test".count))
        try await community.test { client in
            var ana = WebClient(client)
            #expect(try await ana.get(path).status == .ok, "the link works before the change")
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            try await ana.get("/password")
            let changed = try await ana.post(
                "/password", form: ["current_password": "a long enough password", "password": "a changed password!"])
            #expect(changed.status == .ok)
            var stranger = WebClient(client)
            #expect(try await stranger.get(path).status == .notFound)
            try await stranger.get("/login")
            #expect(try await stranger.post(path, form: ["password": "the thief's password"]).status == .notFound)
        }
    }

    @Test("a refused reset e-mail shows the visitor the same neutral message as an unknown address")
    func mailFailureDoesNotLeak() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        community.mail.failing(with: .unavailable("The e-mail could not be sent: 550 5.1.1 <ana@example.org> unknown"))
        try await community.test { client in
            var browser = WebClient(client)
            try await browser.get("/password/forgot")
            let known = try await browser.post("/password/forgot", form: ["email": "ana@example.org"])
            let unknown = try await browser.post("/password/forgot", form: ["email": "nobody@example.org"])
            #expect(known.status == .ok)
            #expect(known.status == unknown.status)
            #expect(known.body.contains("If an account uses this address"))
            #expect(!known.body.contains("550") && !known.body.contains("could not be sent"))
            #expect(known.body == unknown.body)
        }
        // The refusal reaches the log and the job, not the visitor; the job is tried again later.
        #expect(try await community.services.jobs.drain() == 1)
        let error = try await community.services.database.read { sql in
            try await sql.raw("SELECT last_error, origin FROM jobs").first()
        }
        #expect(try error?.decode(column: "last_error", as: String.self).contains("550 5.1.1") == true)
        #expect(try error?.decode(column: "origin", as: String?.self)?.hasPrefix("request ") == true)
        #expect(try await community.services.jobQueue.pendingCount() == 1)
    }

    @Test("a JSON or form body over the limit gets 413 with a message naming the limit")
    func oversizedBodies() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        let (_, key) = try await community.services.apiKeys.create(
            name: "k", scope: .write, ownerEmail: "cm@example.org")
        let big = String(repeating: "a", count: 1_100_000)
        try await community.test { client in
            let json = try await client.execute(
                uri: "/api/v1/topics", method: .post,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"categoryId": 1, "title": "Big", "body": "\#(big)"}"#))
            #expect(json.status == .contentTooLarge)
            #expect(String(buffer: json.body).contains(#""code":"too_large""#))
            #expect(String(buffer: json.body).contains("1048576 bytes"))

            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            let form = try await ana.post("/t/1/replies", form: ["body": big])
            #expect(form.status == .contentTooLarge)
            #expect(form.body.contains("1048576 bytes"))
        }
    }

    @Test("pages carry a CSP without inline script or style, refuse framing, and load their stylesheet")
    func securityHeaders() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        try await community.test { client in
            for path in ["/", "/login", "/api/v1/categories", "/no-such-page"] {
                let page = try await client.execute(uri: path, method: .get)
                let csp = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!], "\(path)")
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "strict-origin-when-cross-origin")
            }
            let home = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(!home.contains("<script") && !home.contains("<style") && !home.contains("style="))
            let href = try #require(home.firstMatch(of: #/<link rel="stylesheet" href="([^"]+)">/#)?.1)
            let css = try await client.execute(uri: String(href), method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: css.body).contains("@media (prefers-color-scheme: dark)"))
            #expect(try await client.execute(uri: "/assets/other.css", method: .get).status == .notFound)
        }
    }

    @Test("a browser that logged in before still logs in after someone else's guesses at the account")
    func deviceCookie() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        try await community.test { client in
            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            #expect(ana.cookies["hearth_device"]?.isEmpty == false, "logging in marks the browser")
            try await ana.post("/logout", form: [:])

            var guesser = WebClient(client)
            try await guesser.get("/login")
            for _ in 0..<5 {
                try await guesser.post("/login", form: ["email": "ana@example.org", "password": "a wrong guess!"])
            }
            let locked = try await guesser.post(
                "/login", form: ["email": "ana@example.org", "password": "a long enough password"])
            #expect(locked.status == .tooManyRequests)

            try await ana.get("/login")
            let back = try await ana.post(
                "/login", form: ["email": "ana@example.org", "password": "a long enough password"])
            #expect(back.status == .seeOther, "Ana's own browser is not locked out by the guesser")
        }
    }

    @Test("/metrics answers this machine only, and not what an untrusted proxy forwards")
    func metricsAllowList() async throws {
        let port = try TestEnvironment.freePort()
        let (community, _) = try await Self.community(environment: ["HEARTH_PORT": String(port)])
        defer { community.close() }
        try await community.test { client in
            // In-process requests have no peer address: not an allowed one.
            let answer = try await client.execute(uri: "/metrics", method: .get)
            #expect(answer.status == .forbidden)
        }
        try await community.testLive { client in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok, "127.0.0.1 is allowed")
            let forwarded = try await client.execute(
                uri: "/metrics", method: .get, headers: [ClientAddressMiddleware.forwardedFor: "203.0.113.9"])
            #expect(forwarded.status == .forbidden, "a local proxy passing on an outside request is refused")
        }
    }

    @Test("the client address comes from X-Forwarded-For only through trusted proxies")
    func clientAddress() {
        let trusted = AddressRange.list("10.0.0.0/8, ::1").0
        #expect(trusted.count == 2)
        #expect(
            ClientAddressMiddleware.client(peer: "203.0.113.5", forwardedFor: ["1.2.3.4"], trusted: trusted)
                == "203.0.113.5")
        #expect(
            ClientAddressMiddleware.client(peer: "10.1.2.3", forwardedFor: ["1.2.3.4"], trusted: trusted) == "1.2.3.4")
        #expect(
            ClientAddressMiddleware.client(
                peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 1.2.3.4, 10.9.9.9"], trusted: trusted)
                == "1.2.3.4", "the forged left part is ignored")
        #expect(ClientAddressMiddleware.client(peer: "::1", forwardedFor: [], trusted: trusted) == "::1")
        #expect(AddressRange("192.168.0.0/16")!.contains("192.168.44.1"))
        #expect(!AddressRange("192.168.0.0/16")!.contains("192.169.0.1"))
        #expect(AddressRange("fd00::/8")!.contains("fd12::1"))
        #expect(!AddressRange("127.0.0.1")!.contains("::1"))
        #expect(AddressRange.list("10.0.0.0/33, nonsense, 1.2.3.4").1 == ["10.0.0.0/33", "nonsense"])
    }
}
