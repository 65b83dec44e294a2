import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// The outside sources end to end, on both engines: a feed served by a real server (Python's http.server) polled
/// as jobs with conditional GET and backoff, its items deduplicated, read, matched through the engine's normaliser
/// and put into the inbox with a log line; a broken source failing alone, in words; a signed webhook; Discourse and
/// Mastodon on recordings of their APIs, answered in place; credentials sealed and never shown.
@Suite("Outside sources", .serialized)
struct SourcesTests {
    static let recordings = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/recordings")

    static func feed(_ items: [(id: String, title: String, text: String)]) -> String {
        let entries = items.map {
            "<item><title>\($0.title)</title><link>https://forum.example/t/\($0.id)</link><guid>\($0.id)</guid>"
                + "<dc:creator>Léa</dc:creator><pubDate>Sun, 20 Sep 2026 10:00:00 +0000</pubDate>"
                + "<description>\($0.text)</description></item>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Le forum d'à côté</title>
            \(entries.joined(separator: "\n"))
            </channel></rss>
            """
    }

    struct Setup {
        let services: HearthServices
        let clock: TestClock
        let cm: Viewer
        let member: Viewer
    }

    static func setUp(_ engine: TestEngine, allowPrivate: Bool = true, smtp: SMTPTestServer? = nil) async throws
        -> Setup
    {
        let clock = TestClock()
        var environment = ["HEARTH_SOURCES_ALLOW_PRIVATE": allowPrivate ? "true" : "false"]
        if let smtp { environment["HEARTH_SMTP_URL"] = "smtp://127.0.0.1:\(smtp.port)" }
        let services = try await HearthServices.forTesting(
            database: try await TestDatabase.make(engine), clock: clock,
            mail: smtp == nil ? RecordingMailTransport() : nil, environment: environment)
        let cm = Viewer(
            member: try await services.accounts.createCommunityManager(
                try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password")),
            credential: .session(SessionID(0)))
        let marie = try await services.accounts.signUp(
            try AccountForm(email: "marie@example.org", displayName: "Marie", password: "a long enough password"),
            inviteToken: nil)
        return Setup(
            services: services, clock: clock, cm: cm, member: Viewer(member: marie, credential: .session(SessionID(0))))
    }

    static func outsideItems(_ setup: Setup) async throws -> [InboxItem] {
        try await setup.services.inbox.page(setup.cm, limit: 100).items.filter { $0.kind == .outside }
    }

    /// Queues the polls that are due and runs them.
    static func poll(_ setup: Setup) async throws {
        try await setup.services.sources.scheduleDue()
        try await setup.services.jobs.drain()
    }

    static func message(_ work: () async throws -> Void) async -> String? {
        do {
            try await work()
            return nil
        } catch let error as HearthError {
            return error.userMessage
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "a feed: polled as a job, conditional GET, keywords through the normaliser, into the inbox, health in words",
        arguments: TestEngine.allCases)
    func feed(engine: TestEngine) async throws {
        let setup = try await Self.setUp(engine)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        let python = try #require(TestEnvironment.executable("python3"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("feed.xml")
        try Self.feed([
            ("t-1", "Hearth &amp; the export", "The export of Hearth crashes since Tuesday."),
            ("t-2", "Gardening tips", "Nothing about any brand here, only tomatoes."),
        ]).write(to: file, atomically: true, encoding: .utf8)
        let port = try TestEnvironment.freePort()
        let server = try ChildProcess([
            python, "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder.path,
        ])
        defer { server.stop() }
        try TestEnvironment.waitForPort(port, seconds: 20)
        let base = "http://127.0.0.1:\(port)"

        // Refusals, in words, changing nothing.
        #expect(
            await Self.message {
                _ = try await sources.add(setup.member, SourceInput(kind: .feed, name: "x", url: base))
            }
                == "You are not allowed to do that.")
        #expect(
            await Self.message {
                _ = try await sources.add(setup.cm, SourceInput(kind: .feed, name: "x", url: "ftp://example.org/f"))
            } == "A source's address starts with http:// or https:// and names a host.")
        #expect(
            await Self.message {
                _ = try await sources.add(setup.cm, SourceInput(kind: .feed, name: "x", url: base, intervalSeconds: 5))
            } == "Poll between every minute (60) and once a day (86400 seconds).")
        #expect(
            await Self.message {
                _ = try await sources.add(setup.cm, SourceInput(kind: .mastodon, name: "x", url: base))
            }?.hasPrefix("A Mastodon source needs an access token: make one in the account's preferences") == true)
        #expect(
            await Self.message {
                _ = try await sources.add(
                    setup.cm, SourceInput(kind: .feed, name: "x", url: base, credentials: ["token": "t"]))
            } == "A feed source takes these credentials: username, password.")
        #expect(try await sources.list(setup.cm).isEmpty)

        let (feed, secret) = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .feed, name: "Le forum d'à côté", url: base + "/feed.xml", keywords: ["Hearth", " hearth "],
                intervalSeconds: 300))
        #expect(secret == nil && feed.keywords == ["Hearth"] && feed.health.state == "waiting")
        let broken = try await sources.add(
            setup.cm, SourceInput(kind: .feed, name: "Gone blog", url: base + "/missing.xml", intervalSeconds: 300)
        ).source
        #expect(try await Self.outsideItems(setup).isEmpty, "nothing is read inside the request")

        try await Self.poll(setup)
        var items = try await Self.outsideItems(setup)
        #expect(items.count == 1, "only the entry that says a keyword comes in")
        let item = try #require(items.first)
        #expect(item.facts.outside?.title == "Hearth & the export")
        #expect(item.facts.outside?.url == "https://forum.example/t/t-1")
        #expect(item.facts.outside?.canAnswer == false)
        #expect(item.reasons.contains { $0.code == .outside && $0.text == "On Le forum d'à côté, saying: “Hearth”" })
        #expect(item.facts.words > 5, "read by the engine (or counted without it)")
        let log = try await setup.services.moderation.log(setup.cm)
        #expect(log.contains { $0.action == "outside_item" && $0.reason.contains("Hearth & the export") })

        var read = try await sources.source(setup.cm, feed.id)
        #expect(read.health.state == "ok" && read.health.itemsCount == 1 && read.health.lastError == nil)
        #expect(read.health.nextPollAt == setup.clock.now.addingTimeInterval(300))
        // One broken source fails alone, in words, and waits longer before the next try.
        let failing = try await sources.source(setup.cm, broken.id)
        #expect(failing.health.lastError == "404: there is nothing at that address.")
        #expect(failing.health.failures == 1 && failing.health.state == "failing")
        #expect(failing.health.nextPollAt == setup.clock.now.addingTimeInterval(600))

        // Unchanged: a conditional GET, nothing new, nothing twice.
        setup.clock.advance(by: 301)
        try await Self.poll(setup)
        #expect(try await Self.outsideItems(setup).count == 1)
        #expect(try await sources.source(setup.cm, feed.id).health.lastSuccessAt == setup.clock.now)

        // A new entry, the brand spelled out with spaces: the engine's normaliser reads it.
        try Self.feed([
            ("t-3", "Our club moved", "We moved to H e a r t h last week."),
            ("t-1", "Hearth &amp; the export", "The export of Hearth crashes since Tuesday."),
        ]).write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: file.path)
        setup.clock.advance(by: 301)
        try await Self.poll(setup)
        items = try await Self.outsideItems(setup)
        #expect(items.count == 2)
        #expect(items.contains { $0.facts.outside?.title == "Our club moved" })
        read = try await sources.source(setup.cm, feed.id)
        #expect(read.health.itemsCount == 2)
        #expect(try await sources.source(setup.cm, broken.id).health.failures == 2, "tried again after its backoff")

        // Paused: not polled, and "read it now" says why not.
        _ = try await sources.update(setup.cm, broken.id, SourceInput(enabled: false))
        setup.clock.advance(by: 3_600)
        try await Self.poll(setup)
        #expect(try await sources.source(setup.cm, broken.id).health.failures == 2)
        #expect(
            await Self.message { try await sources.pollNow(setup.cm, broken.id) }
                == "Gone blog is paused: tick “Read it” to read it again.")
        // Read now: due at once, whatever its interval.
        try await sources.pollNow(setup.cm, feed.id)
        #expect(try await sources.scheduleDue() == 1)

        // A feed item cannot be answered through its source: the inbox offers its address instead.
        let feedItem = try #require(items.first)
        #expect(
            await Self.message { _ = try await sources.answer(setup.cm, feedItem, body: "Thanks!") }
                == "Le forum d'à côté cannot take an answer from Hearth: open it on its site to answer there.")

        // A feed behind a password: HTTP Basic, to the feed's own server.
        let guarded = try RecordedServer(recordings: folder, routes: ["GET /feed.xml": "feed.xml"])
        _ = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .feed, name: "Members' feed", url: guarded.url + "/feed.xml",
                credentials: ["username": "brand", "password": "feed password"]))
        try await Self.poll(setup)
        #expect(
            guarded.received().first?.headers["authorization"]
                == "Basic " + Data("brand:feed password".utf8).base64EncodedString())

        // Removed: what it brought stays in the inbox.
        let before = try await Self.outsideItems(setup).count
        try await sources.remove(setup.cm, feed.id)
        #expect(try await Self.outsideItems(setup).count == before)
        #expect(await Self.message { _ = try await sources.source(setup.cm, feed.id) } == "There is no such source.")
    }

    @Test("an e-mail read as plain text: parts, transfer encodings, charsets, encoded words, quoted lines")
    func mailText() throws {
        let message =
            "Message-ID: <a1@x.example>\r\nFrom: =?UTF-8?Q?No=C3=A9mie?= <noemie@example.net>\r\n"
            + "Subject: =?UTF-8?Q?Probl=C3=A8me?= =?UTF-8?B?IGF2ZWM=?= Hearth\r\nReferences: <a0@x.example>\r\n"
            + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\n"
            + "Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--b1\r\n"
            + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Arriv=E9e tr=\r\n=E8s tard.\r\n\r\nOn Monday Paul wrote:\r\n> earlier\r\n--b1--\r\n--m--\r\n"
        let entry = MailText.entry(Array(message.utf8), fallbackID: "imap:1:1")
        #expect(entry.externalID == "a1@x.example" && entry.author == "Noémie")
        #expect(entry.title == "Problème avec Hearth")
        #expect(entry.text == "Arrivée très tard.")
        #expect(entry.direct && entry.url == nil)
        let reply = try #require(entry.replyTo.flatMap(MailText.Reply.init(encoded:)))
        #expect(
            reply
                == MailText.Reply(
                    messageID: "a1@x.example", address: "noemie@example.net", subject: "Problème avec Hearth",
                    references: ["a0@x.example"]))
        let base64 =
            "Subject: Hi\nContent-Transfer-Encoding: base64\n\n" + Data("Plain words.".utf8).base64EncodedString()
        #expect(MailText.entry(Array(base64.utf8), fallbackID: "f").text == "Plain words.")
        #expect(MailText.entry(Array(base64.utf8), fallbackID: "f").externalID == "f", "no Message-ID: the UID")
    }

    @Test("without the configuration's permission, a source on this machine fails in words")
    func privateRefused() async throws {
        let setup = try await Self.setUp(.sqlite, allowPrivate: false)
        defer { Task { await setup.services.shutdown() } }
        let source = try await setup.services.sources.add(
            setup.cm, SourceInput(kind: .feed, name: "Inside", url: "http://127.0.0.1:9/feed.xml")
        ).source
        try await Self.poll(setup)
        let health = try await setup.services.sources.source(setup.cm, source.id).health
        #expect(
            health.lastError
                == "127.0.0.1 is on this machine or a private network: sources may reach only public addresses (HEARTH_SOURCES_ALLOW_PRIVATE=true allows them)."
        )
    }

    @Test(
        "a signed webhook comes in; a bad signature, an old one or a malformed body stores nothing",
        arguments: TestEngine.allCases)
    func webhook(engine: TestEngine) async throws {
        let setup = try await Self.setUp(engine)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        let (source, made) = try await sources.add(
            setup.cm, SourceInput(kind: .webhook, name: "Shop", keywords: ["Hearth"]))
        let secret = try #require(made)
        #expect(secret.hasPrefix("whsec_") && source.url == nil)
        let body = Array(
            #"{"id": "order-1", "text": "My order never arrived, two weeks now.", "author": "A customer"}"#.utf8)
        func post(_ body: [UInt8], id: String = "msg_1", at date: Date = Date(), secret: String? = nil) async throws
            -> Int
        {
            let stamp = String(Int(date.timeIntervalSince1970))
            let signature = WebhookSignature.sign(
                secret: secret ?? made!, messageID: id, timestamp: Int(stamp)!,
                body: String(decoding: body, as: UTF8.self))
            return try await sources.hook(source.id, messageID: id, timestamp: stamp, signature: signature, body: body)
        }
        let other = WebhookEndpoint.newSecret()
        #expect(
            await Self.message { _ = try await post(body, secret: other) } == "The webhook signature does not match.")
        #expect(
            await Self.message { _ = try await post(body, at: Date().addingTimeInterval(-600)) }
                == "The webhook-timestamp is more than five minutes from now.")
        #expect(
            await Self.message {
                _ = try await sources.hook(source.id, messageID: nil, timestamp: nil, signature: nil, body: body)
            } == "The webhook-id, webhook-timestamp and webhook-signature headers are required.")
        #expect(
            await Self.message { _ = try await post(Array(#"{"text": "no id"}"#.utf8)) }
                == "Each item needs an id (at most 500 characters).")
        #expect(try await setup.services.database.count(from: "outside_items") == 0, "nothing stored")

        // Addressed to the brand: in without its keyword.
        #expect(try await post(body) == 1)
        #expect(try await post(body, id: "msg_2") == 0, "the same item posted again comes in once")
        // What a stranger may send: an id longer than an index holds, a NUL PostgreSQL refuses.
        let odd = #"{"id": "\#(String(repeating: "é", count: 450))", "text": "Nul \u0000 here, about the shop."}"#
        #expect(try await post(Array(odd.utf8), id: "msg_3") == 1)
        #expect(try await post(Array(odd.utf8), id: "msg_4") == 0)
        let item = try #require(try await Self.outsideItems(setup).first)
        #expect(item.facts.outside?.author == "A customer" && item.facts.outside?.sourceName == "Shop")
        #expect(await Self.message { try await sources.pollNow(setup.cm, source.id) }?.contains("not polled") == true)
        // The secret is sealed at rest.
        let stored = try await setup.services.database.read { sql in
            try await sql.raw("SELECT credentials FROM sources").first(decodingColumn: "credentials", as: String.self)
        }
        #expect(stored?.contains(secret) == false && stored?.hasPrefix("v1:") == true)
    }

    @Test(
        "Discourse on recordings: search for the keywords, latest topics, an answer in place",
        arguments: TestEngine.allCases)
    func discourse(engine: TestEngine) async throws {
        let setup = try await Self.setUp(engine)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        let forum = try RecordedServer(
            recordings: Self.recordings,
            routes: [
                "GET /latest.json": "discourse-latest.json", "GET /search.json": "discourse-search.json",
                "POST /posts.json": "discourse-post-created.json",
            ])
        let searched = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .discourse, name: "Club forum", url: forum.url + "/", keywords: ["Hearth"],
                credentials: ["apiKey": "discourse-key-123", "username": "camille"])
        ).source
        #expect(searched.url == forum.url && searched.canAnswer)
        try await Self.poll(setup)
        let items = try await Self.outsideItems(setup)
        #expect(items.count == 2)
        let question = try #require(
            items.first { $0.facts.outside?.title == "Is the Hearth export broken for everyone?" })
        #expect(question.facts.outside?.url == forum.url + "/t/is-the-hearth-export-broken-for-everyone/101/1")
        #expect(question.facts.outside?.author == "lea" && question.facts.outside?.canAnswer == true)
        let search = try #require(forum.received().first { $0.path.hasPrefix("/search.json") })
        #expect(search.path == "/search.json?q=Hearth%20order:latest")
        #expect(search.headers["api-key"] == "discourse-key-123" && search.headers["api-username"] == "camille")

        // Answered in place: queued with the decision, sent once after commit.
        _ = try await sources.answer(setup.cm, question, body: "Thank you Léa, we are on it.")
        #expect(try await setup.services.inbox.item(setup.cm, question.id).state == .handled)
        #expect(
            await Self.message { _ = try await sources.answer(setup.cm, question, body: "Again") }?
                .contains("nothing was changed") == true)
        try await setup.services.jobs.drain()
        let posted = forum.received().filter { $0.method == "POST" }
        #expect(posted.count == 1)
        let sent = try JSONSerialization.jsonObject(with: Data(try #require(posted.first).body.utf8)) as? [String: Any]
        #expect(sent?["topic_id"] as? Int == 101 && sent?["raw"] as? String == "Thank you Léa, we are on it.")
        let answers = try await sources.answers(setup.cm, searched.id)
        #expect(answers.first?.sentAt != nil && answers.first?.lastError == nil)

        // Without keywords, the latest topics; an old one is remembered, not brought in.
        _ = try await sources.add(setup.cm, SourceInput(kind: .discourse, name: "Latest", url: forum.url))
        try await Self.poll(setup)
        let latest = try await Self.outsideItems(setup).filter { $0.facts.outside?.sourceName == "Latest" }
        #expect(latest.map { $0.facts.outside?.title } == ["Is the Hearth export broken for everyone?"])
    }

    @Test(
        "Mastodon on recordings: mentions and a hashtag, since the last seen, an answer that mentions its author",
        arguments: TestEngine.allCases)
    func mastodon(engine: TestEngine) async throws {
        let setup = try await Self.setUp(engine)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        let server = try RecordedServer(
            recordings: Self.recordings,
            routes: [
                "GET /api/v1/notifications": "mastodon-notifications.json",
                "GET /api/v1/timelines/tag/hearth": "mastodon-tag-hearth.json",
                "POST /api/v1/statuses": "mastodon-status-created.json",
                "POST /api/v1/statuses/113050/reblog": "mastodon-tag-hearth.json",
                "GET /api/v1/accounts/lookup": "mastodon-account-lookup.json",
                "GET /api/v1/accounts/7781/statuses": "mastodon-account-statuses.json",
            ])
        let source = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .mastodon, name: "Mastodon", url: server.url,
                keywords: ["#hearth", "@clubdesmots@social.example"],
                credentials: ["token": "mastodon-token-456"])
        ).source
        try await Self.poll(setup)
        let items = try await Self.outsideItems(setup)
        #expect(items.count == 3, "the mention, the tagged post and the followed account's post; not a favourite")
        #expect(items.contains { $0.facts.outside?.author == "@clubdesmots@social.example" })
        #expect(server.received().contains { $0.path == "/api/v1/accounts/lookup?acct=clubdesmots@social.example" })
        let mention = try #require(items.first { $0.facts.outside?.author == "@paul@other.example" })
        #expect(mention.facts.outside?.excerpt.contains("how do I export my reading list?") == true)
        #expect(mention.facts.outside?.url == "https://other.example/@paul/113042")
        let first = try #require(server.received().first)
        #expect(first.headers["authorization"] == "Bearer mastodon-token-456")

        setup.clock.advance(by: Double(source.intervalSeconds) + 1)
        try await Self.poll(setup)
        let again = server.received().filter { $0.path.hasPrefix("/api/v1/notifications") }
        #expect(again.last?.path.contains("min_id=34975861") == true, "the next poll starts after the last seen")
        #expect(try await Self.outsideItems(setup).count == 3)

        #expect(
            await Self.message {
                _ = try await sources.answer(setup.cm, mention, body: String(repeating: "a", count: 490))
            }
                == "On Mastodon an answer is 500 characters at most, the mention of its author included.")
        let answerID = try await sources.answer(setup.cm, mention, body: "Settings, then Export.")
        // Taken by one job, the answer is not taken by another (a second process, a job run twice).
        let taken = try await sources.forSending(answerID)
        #expect(taken != nil)
        #expect(try await sources.forSending(answerID) == nil)
        try await sources.recordAnswer(answerID, sentURL: nil, error: "The server could not be reached.")
        try await setup.services.jobs.drain()
        let reply = try #require(server.received().first { $0.method == "POST" })
        let sent = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        #expect(sent?["status"] as? String == "@paul@other.example Settings, then Export.")
        #expect(sent?["in_reply_to_id"] as? String == "113042")
        #expect(reply.headers["idempotency-key"]?.hasPrefix("hearth-") == true)
        #expect(sent?["visibility"] as? String == "public", "as public as the mention it answers")
        #expect(try await sources.answers(setup.cm, source.id).first?.sentAt != nil)

        // Boosted from the brand's account, once; the item stays in the inbox.
        let tagged = try #require(items.first { $0.facts.outside?.author == "@lea@social.example" })
        _ = try await sources.boost(setup.cm, tagged)
        #expect(
            await Self.message { _ = try await sources.boost(setup.cm, tagged) } == "This post was boosted already.")
        try await setup.services.jobs.drain()
        let reblogs = server.received().filter { $0.path == "/api/v1/statuses/113050/reblog" }
        #expect(reblogs.count == 1 && reblogs.first?.headers["authorization"] == "Bearer mastodon-token-456")
        #expect(try await setup.services.inbox.item(setup.cm, tagged.id).state == .open)

        // An answer the server refuses comes back into the inbox with its words, not tried again behind the back.
        let strict = try RecordedServer(
            recordings: Self.recordings,
            routes: [
                "GET /api/v1/notifications": "mastodon-notifications.json",
                "POST /api/v1/statuses": "422:mastodon-error-401.json",
            ])
        _ = try await sources.add(
            setup.cm,
            SourceInput(kind: .mastodon, name: "Strict server", url: strict.url, credentials: ["token": "t3"]))
        try await Self.poll(setup)
        let strictItem = try #require(
            try await Self.outsideItems(setup).first { $0.facts.outside?.sourceName == "Strict server" })
        _ = try await sources.answer(setup.cm, strictItem, body: "Thanks!")
        #expect(try await setup.services.inbox.item(setup.cm, strictItem.id).state == .handled)
        try await setup.services.jobs.drain()
        let back = try await setup.services.inbox.item(setup.cm, strictItem.id)
        #expect(back.state == .open)
        #expect(back.facts.outside?.answerError == "422: the server refused the request.")
        #expect(strict.received().filter { $0.method == "POST" }.count == 1, "once, not retried")

        // A refused token: said on the source, in words.
        let refusing = try RecordedServer(
            recordings: Self.recordings, routes: ["GET /api/v1/notifications": "401:mastodon-error-401.json"])
        let locked = try await sources.add(
            setup.cm,
            SourceInput(kind: .mastodon, name: "Old token", url: refusing.url, credentials: ["token": "expired"])
        ).source
        try await Self.poll(setup)
        #expect(
            try await sources.source(setup.cm, locked.id).health.lastError == "401: the token or password was refused.")
        // Tokens never leave: not in the source as listed, not in the database in clear.
        let listed = "\(try await sources.list(setup.cm))"
        #expect(!listed.contains("mastodon-token-456") && !listed.contains("expired"))
        let stored = try await setup.services.database.read { sql in
            try await sql.raw("SELECT credentials FROM sources").all(decodingColumn: "credentials", as: String.self)
        }
        #expect(!stored.joined().contains("mastodon-token-456"))
    }

    @Test(
        "an announcement goes out once: to the Mastodon accounts that announce and to the webhooks that take it",
        .enabled(if: WebhookReceiver.canRun, "needs \(WebhookReceiver.requirement)"), arguments: TestEngine.allCases)
    func announcements(engine: TestEngine) async throws {
        let setup = try await Self.setUp(engine)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        let server = try RecordedServer(
            recordings: Self.recordings, routes: ["POST /api/v1/statuses": "mastodon-status-created.json"])
        #expect(
            await Self.message {
                _ = try await sources.add(
                    setup.cm, SourceInput(kind: .feed, name: "Blog", url: server.url, announce: true))
            } == "Only a Mastodon source posts the community's announcements.")
        let account = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .mastodon, name: "Our account", url: server.url, credentials: ["token": "tok"], announce: true)
        ).source
        _ = try await sources.add(
            setup.cm,
            SourceInput(kind: .mastodon, name: "Listening only", url: server.url, credentials: ["token": "t2"]))
        let receiver = try WebhookReceiver.start()
        let endpoint = try await setup.services.feedback.addEndpoint(
            setup.cm, url: receiver.url, events: [.announcementPublished])
        try receiver.trust(endpoint.secret)
        let forum = setup.services.forum
        let news = try await forum.createCategory(
            setup.cm, name: "News", description: "", startPolicy: .staff, kind: .announcements)
        let general = try await forum.createCategory(setup.cm, name: "General", description: "", startPolicy: .everyone)
        _ = try await forum.startTopic(setup.cm, in: general.id, title: "Just chatting", body: "Nothing to announce.")
        let (topic, _) = try await forum.startTopic(
            setup.cm, in: news.id, title: "The spring release is out",
            body: "Dark mode, the reading list export and French everywhere.")
        #expect(server.received().isEmpty && receiver.received().isEmpty, "nothing leaves inside the request")
        try await setup.services.jobs.drain()

        let posted = server.received().filter { $0.method == "POST" }
        #expect(posted.count == 1, "once, on the account that announces")
        let status =
            try JSONSerialization.jsonObject(with: Data(try #require(posted.first).body.utf8)) as? [String: Any]
        #expect(
            status?["status"] as? String == "The spring release is out\n\nhttp://hearth.test/t/\(topic.id.rawValue)")
        #expect(posted.first?.headers["authorization"] == "Bearer tok")
        #expect(posted.first?.headers["idempotency-key"]?.hasPrefix("hearth-") == true)
        let delivered = receiver.received()
        #expect(delivered.count == 1 && delivered.first?.verified == true)
        #expect(delivered.first?.body.contains(#""type":"announcement.published""#) == true)
        #expect(delivered.first?.body.contains("http://hearth.test/t/\(topic.id.rawValue)") == true)
        let shown = try await sources.outwardPosts(setup.cm, account.id)
        #expect(shown.first?.sentURL == "https://mastodon.example/@hearth/113100")

        // Fanned out again (a job run twice): nothing goes twice.
        let again = try await sources.announce(
            AnnounceJob(topicID: topic.id.rawValue, title: topic.title, excerpt: ""), url: "http://hearth.test/t/1")
        try await setup.services.jobs.drain()
        #expect(again == 0)
        #expect(server.received().filter { $0.method == "POST" }.count == 1 && receiver.received().count == 1)

        // Held, it waits; let through, it goes out.
        let (held, heldPost) = try await forum.startTopic(
            setup.cm, in: news.id, title: "Summer opening hours", body: "Open every day in August.")
        try await setup.services.database.write { sql in
            try await sql.raw("DELETE FROM jobs WHERE job_key = \(bind: "announce:\(held.id.rawValue)")").run()
            try await sql.raw("UPDATE posts SET moderation = 'pending' WHERE id = \(bind: heldPost.id.rawValue)").run()
            try await sql.raw(
                "UPDATE topics SET held_at = \(bind: setup.clock.now.millisecondsSince1970) WHERE id = \(bind: held.id.rawValue)"
            ).run()
        }
        try await setup.services.jobs.drain()
        #expect(server.received().filter { $0.method == "POST" }.count == 1, "nothing while it is held")
        try await setup.services.moderation.moderate(setup.cm, post: heldPost.id, action: .approve)
        try await setup.services.jobs.drain()
        let statuses = server.received().filter { $0.method == "POST" }
        #expect(statuses.count == 2)
        #expect(statuses.last?.body.contains("Summer opening hours") == true)
    }

    @Test(
        "the contact mailbox over IMAP (Dovecot): new mail in the inbox, read since the last seen; answered by SMTP in its thread",
        .enabled(if: IMAPServer.canRun, "needs \(IMAPServer.requirement)"),
        .enabled(if: SMTPTestServer.canRun, "needs \(SMTPTestServer.requirement)"), arguments: TestEngine.allCases)
    func mailbox(engine: TestEngine) async throws {
        let imap = try IMAPServer()
        let smtp = try SMTPTestServer.start(mode: .plain)
        let setup = try await Self.setUp(engine, smtp: smtp)
        defer { Task { await setup.services.shutdown() } }
        let sources = setup.services.sources
        try imap.deliver(
            """
            Message-ID: <order-77@shop.example>\r
            From: =?UTF-8?Q?No=C3=A9mie?= <noemie@example.net>\r
            To: brand@example.org\r
            Subject: =?UTF-8?Q?Probl=C3=A8me?= with my order\r
            Date: Sun, 20 Sep 2026 10:00:00 +0000\r
            MIME-Version: 1.0\r
            Content-Type: multipart/alternative; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Bonjour, ma commande n'est jamais arriv=C3=A9e. Pouvez-vous v=C3=A9rifier ?\r
            \r
            > an earlier message, quoted\r
            --b1\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <p>Bonjour, ma commande n'est jamais arrivée.</p>\r
            --b1--\r

            """, name: "1.eml")
        #expect(
            await Self.message {
                _ = try await sources.add(
                    setup.cm,
                    SourceInput(
                        kind: .imap, name: "Contact", url: "https://mail.example",
                        credentials: ["username": imap.user, "password": imap.password]))
            } == "A mailbox's address starts with imaps:// or imap:// and names the mail server.")
        let source = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .imap, name: "Contact", url: imap.url, keywords: ["Hearth"],
                credentials: ["username": imap.user, "password": imap.password])
        ).source
        #expect(source.canAnswer)
        try await Self.poll(setup)
        var items = try await Self.outsideItems(setup)
        #expect(items.count == 1, "mail to the brand comes in without a keyword")
        let item = try #require(items.first)
        #expect(item.facts.outside?.title == "Problème with my order")
        #expect(item.facts.outside?.author == "Noémie")
        #expect(item.facts.outside?.excerpt == "Bonjour, ma commande n'est jamais arrivée. Pouvez-vous vérifier ?")
        #expect(try await sources.source(setup.cm, source.id).health.lastError == nil)

        // Read since the last one seen: a second message comes in alone.
        try imap.deliver(
            """
            Message-ID: <second@example.net>\r
            From: paul@example.net\r
            Subject: Thanks\r
            Date: Sun, 20 Sep 2026 12:00:00 +0000\r
            \r
            The new export works, thank you.\r

            """, name: "2.eml")
        setup.clock.advance(by: Double(source.intervalSeconds) + 1)
        try await Self.poll(setup)
        items = try await Self.outsideItems(setup)
        #expect(items.count == 2)
        #expect(items.contains { $0.facts.outside?.author == "paul@example.net" })

        // Answered by SMTP, threaded under the message.
        _ = try await sources.answer(setup.cm, item, body: "Nous regardons tout de suite, merci Noémie.")
        try await setup.services.jobs.drain()
        let sent = try #require(try await smtp.waitForMessages(1).first)
        #expect(sent.contains("In-Reply-To: <order-77@shop.example>"))
        #expect(sent.contains("References: <order-77@shop.example>"))
        #expect(sent.contains("To: noemie@example.net") && sent.contains("From: brand@example.org"))
        #expect(sent.contains("Subject: =?UTF-8?B?") || sent.contains("Subject: Re: "))

        // A wrong password: said on the source, in words.
        let locked = try await sources.add(
            setup.cm,
            SourceInput(
                kind: .imap, name: "Old password", url: imap.url,
                credentials: ["username": imap.user, "password": "not it"])
        ).source
        try await Self.poll(setup)
        #expect(
            try await sources.source(setup.cm, locked.id).health.lastError
                == "The mail server refused the user name or password.")
    }
}
