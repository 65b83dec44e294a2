import Foundation
import HTTPTypes
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HearthApp

/// The outside sources over JSON and in the console, on both engines; a webhook source posted to with signatures
/// made by the Standard Webhooks specification's own Python library; another Hearth community read through its API
/// and answered in its thread; outside items in the inbox page.
@Suite("Outside sources on the web")
struct SourcesWebTests {
    static let allow = ["HEARTH_SOURCES_ALLOW_PRIVATE": "true"]

    @Test(
        "sources over JSON: add, read, change, poll, remove; refusals in words; credentials never shown",
        arguments: TestEngine.allCases)
    func api(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine, environment: Self.allow)
        defer { community.close() }
        try await community.member("cm@example.org", role: .communityManager)
        try await community.member("ana@example.org")
        let (_, cmKey) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await community.services.apiKeys.create(
            name: "ana", scope: .write, ownerEmail: "ana@example.org")
        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let ana = ForumAPITests.APIClient(client: client, key: anaKey)
            #expect(try await ana.call(.get, "/sources").0 == .forbidden)
            let (bad, badError) = try await cm.call(.post, "/sources", #"{"kind": "rss", "name": "x"}"#)
            #expect(bad == .unprocessableContent)
            #expect(InboxWebTests.message(badError) == "kind is feed, discourse, mastodon, imap, webhook or hearth.")
            let (imap, imapError) = try await cm.call(
                .post, "/sources", #"{"kind": "imap", "name": "Contact", "url": "imaps://mail.example.org"}"#)
            #expect(imap == .unprocessableContent)
            #expect(InboxWebTests.message(imapError) == "A mailbox needs its user name and password.")

            let (created, source) = try await cm.call(
                .post, "/sources",
                #"{"kind": "hearth", "name": "Sister community", "url": "https://other.example", "keywords": ["Hearth"], "credentials": {"apiKey": "hk_secret_value"}}"#
            )
            #expect(created == .created)
            let id = try #require(source["id"] as? Int)
            #expect(source["credentials"] as? [String] == ["apiKey"] && source["canAnswer"] as? Bool == true)
            #expect((source["health"] as? [String: Any])?["state"] as? String == "waiting")
            let (listed, list) = try await cm.call(.get, "/sources")
            #expect(listed == .ok && (list["items"] as? [Any])?.count == 1)
            #expect(!"\(list)".contains("hk_secret_value") && !"\(source)".contains("hk_secret_value"))

            let (changed, after) = try await cm.call(
                .patch, "/sources/\(id)", #"{"keywords": ["Hearth", "Foyer"], "intervalSeconds": 120}"#)
            #expect(changed == .ok)
            #expect(after["keywords"] as? [String] == ["Hearth", "Foyer"] && after["intervalSeconds"] as? Int == 120)
            let (kind, kindError) = try await cm.call(.patch, "/sources/\(id)", #"{"kind": "feed"}"#)
            #expect(kind == .unprocessableContent)
            #expect(InboxWebTests.message(kindError) == "A source's kind cannot change: add a new source instead.")
            #expect(try await cm.call(.post, "/sources/\(id)/poll").0 == .accepted)
            #expect(try await community.services.sources.scheduleDue() == 1, "due at the clock's next pass")
            #expect(try await community.services.database.count(from: "jobs WHERE kind = 'source_poll'") == 1)
            let (twice, twiceError) = try await cm.call(
                .post, "/sources", #"{"kind": "feed", "name": "sister COMMUNITY", "url": "https://x.example/f"}"#)
            #expect(twice == .conflict)
            #expect(
                InboxWebTests.message(twiceError)
                    == "A source is already named “Sister community”: give this one another name.")
            let (secretURL, masked) = try await cm.call(
                .post, "/sources",
                #"{"kind": "feed", "name": "Alerts", "url": "https://alerts.example/feed?q=hearth&token=abc123"}"#)
            #expect(secretURL == .created)
            #expect(masked["url"] as? String == "https://alerts.example/feed?q=hearth&token=•••")
            let (userinfo, userinfoError) = try await cm.call(
                .post, "/sources", #"{"kind": "feed", "name": "Private", "url": "https://me:pw@x.example/f"}"#)
            #expect(userinfo == .unprocessableContent)
            #expect(InboxWebTests.message(userinfoError)?.hasPrefix("Put the user name and password") == true)

            let (hooked, hook) = try await cm.call(.post, "/sources", #"{"kind": "webhook", "name": "Shop"}"#)
            #expect(hooked == .created)
            #expect((hook["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect((hook["hookUrl"] as? String)?.hasSuffix("/api/v1/sources/\(hook["id"] as? Int ?? 0)/hook") == true)
            let again = try await cm.call(.get, "/sources/\(hook["id"] as? Int ?? 0)").1
            #expect(again["secret"] == nil, "the secret is given once")

            #expect(try await cm.call(.delete, "/sources/\(id)").0 == .noContent)
            #expect(try await cm.call(.get, "/sources/\(id)").0 == .notFound)
            let log = try await community.services.database.count(
                from: "moderation_log WHERE action IN ('source_added', 'source_changed', 'source_removed')")
            #expect(log == 5)
        }
    }

    /// The three Standard Webhooks headers for `body`, made by the specification's Python library.
    static func signed(_ body: String, secret: String, id: String) throws -> [String: String] {
        let python = try #require(TestEnvironment.executable("python3"))
        let script = """
            import json, sys, datetime
            from standardwebhooks.webhooks import Webhook
            now = datetime.datetime.now(tz=datetime.timezone.utc)
            print(json.dumps({"webhook-id": sys.argv[2], "webhook-timestamp": str(int(now.timestamp())),
                              "webhook-signature": Webhook(sys.argv[1]).sign(sys.argv[2], now, sys.argv[3])}))
            """
        let (status, output) = try ChildProcess.run([python, "-c", script, secret, id, body])
        try #require(status == 0, "the signing script failed: \(output)")
        return try JSONDecoder().decode([String: String].self, from: Data(output.utf8))
    }

    @Test(
        "a webhook source, signed by the specification's library: in the inbox; a bad signature is 401",
        .enabled(if: WebhookReceiver.canRun, "needs \(WebhookReceiver.requirement)"), arguments: TestEngine.allCases)
    func hook(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine, environment: Self.allow)
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let cm = Viewer(member: manager, credential: .session(SessionID(0)))
        let (source, made) = try await community.services.sources.add(
            cm, SourceInput(kind: .webhook, name: "Support desk"))
        let secret = try #require(made)
        let body =
            #"{"items": [{"id": "ticket-77", "title": "Refund", "text": "I was charged twice for the Hearth plan.", "author": "Noor", "url": "https://desk.example/t/77"}]}"#
        try await community.test { client in
            func post(_ headers: [String: String]) async throws -> HTTPResponse.Status {
                var fields: HTTPFields = [.contentType: "application/json"]
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                return try await client.execute(
                    uri: "/api/v1/sources/\(source.id.rawValue)/hook", method: .post, headers: fields,
                    body: ByteBuffer(string: body)
                ).status
            }
            var forged = try Self.signed(body, secret: WebhookEndpoint.newSecret(), id: "msg_1")
            let first = try await post(forged)
            #expect(first == .unauthorized, "\(first)")
            forged = try Self.signed(body, secret: secret, id: "msg_1")
            forged["webhook-id"] = "msg_other"
            #expect(try await post(forged) == .unauthorized, "the id is signed too")
            #expect(try await community.services.database.count(from: "outside_items") == 0)
            #expect(try await post(try Self.signed(body, secret: secret, id: "msg_2")) == .accepted)
        }
        let items = try await community.services.inbox.page(cm).items.filter { $0.kind == .outside }
        #expect(items.count == 1)
        #expect(items.first?.facts.outside?.title == "Refund" && items.first?.facts.outside?.author == "Noor")
    }

    @Test(
        "another Hearth community read through its API, answered in its thread; the inbox and console pages",
        arguments: TestEngine.allCases)
    func hearthToHearth(engine: TestEngine) async throws {
        let (other, port) = try await TestCommunity.live("sister")
        defer { other.close() }
        let theirManager = try await other.member("lou@example.org", role: .communityManager)
        let theirs = Viewer(member: theirManager, credential: .session(SessionID(0)))
        let general = try await other.services.forum.createCategory(
            theirs, name: "General", description: "", startPolicy: .everyone)
        let marie = try await other.member("marie@example.org")
        let (topic, _) = try await other.services.forum.startTopic(
            Viewer(member: marie, credential: .session(SessionID(0))), in: general.id,
            title: "Moving our club to Hearth?",
            body: "Has anyone moved a club forum to Hearth? How long did the import take?")
        let (_, key) = try await other.services.apiKeys.create(
            name: "sister", scope: .write, ownerEmail: "lou@example.org")

        let community = try await TestCommunity.make(engine: engine, environment: Self.allow)
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let cm = Viewer(member: manager, credential: .session(SessionID(0)))
        try await other.testLive { live in
            let served = live.port ?? port
            let source = try await community.services.sources.add(
                cm,
                SourceInput(
                    kind: .hearth, name: "Sister community", url: "http://127.0.0.1:\(served)", keywords: ["Hearth"],
                    credentials: ["apiKey": key])
            ).source
            try await community.services.sources.scheduleDue()
            try await community.services.jobs.drain()
            let items = try await community.services.inbox.page(cm).items.filter { $0.kind == .outside }
            let item = try #require(items.first)
            #expect(items.count == 1)
            #expect(item.facts.outside?.title == "Moving our club to Hearth?")
            #expect(item.facts.outside?.url == "http://127.0.0.1:\(served)/t/\(topic.id.rawValue)?post=1#p1")
            #expect(item.facts.outside?.canAnswer == true)

            // The inbox page shows where it came from, a link to it there, and an answer form.
            try await community.test { client in
                var web = WebClient(client)
                try await ForumPagesTests.logIn(&web, "cm@example.org")
                let inbox = try await web.get("/inbox")
                #expect(inbox.body.contains("On Sister community"))
                #expect(inbox.body.contains("Open on Sister community"))
                #expect(inbox.body.contains("Answer on Sister community"))
                let answered = try await web.post(
                    "/inbox/\(item.id.rawValue)/reply", form: ["body": "About an hour for 20,000 posts here."])
                #expect(answered.status == .seeOther)
                #expect(answered.headers[.location] == "/inbox?done=answered")
                let twice = try await web.post(
                    "/inbox/\(item.id.rawValue)/reply", form: ["body": "About an hour for 20,000 posts here."])
                #expect(twice.status == .conflict, "a form sent twice answers once")

                let console = try await web.get("/admin/sources")
                #expect(console.status == .ok)
                #expect(console.body.contains("Sister community") && console.body.contains("Read "))
                #expect(!console.body.contains(key), "the key never shows")
            }
            try await community.services.jobs.drain()
            let page = try await other.services.forum.topicPage(nil, topic: topic.id)
            #expect(page.posts.last?.body == "About an hour for 20,000 posts here.")
            #expect(page.posts.last?.author.handle == theirManager.handle, "posted as the key's owner")
            let answers = try await community.services.sources.answers(cm, source.id)
            #expect(answers.first?.sentAt != nil)
        }
    }

    @Test("the console's sources page: add a feed and a webhook by form, refusals in words, members kept out")
    func console() async throws {
        let community = try await TestCommunity.make(environment: Self.allow)
        defer { community.close() }
        try await community.member("cm@example.org", role: .communityManager)
        try await community.member("ana@example.org")
        try await community.test { client in
            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            #expect(try await member.get("/admin/sources").status == .forbidden)

            var web = WebClient(client)
            try await ForumPagesTests.logIn(&web, "cm@example.org")
            let empty = try await web.get("/admin/sources")
            #expect(empty.body.contains("No source yet"))
            let refused = try await web.post(
                "/admin/sources", form: ["kind": "feed", "name": "Blog", "url": "ftp://x", "intervalSeconds": "900"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("A source&#39;s address starts with http:// or https://"))
            #expect(refused.body.contains(#"value="Blog""#), "what was typed is kept")
            let added = try await web.post(
                "/admin/sources",
                form: [
                    "kind": "feed", "name": "Blog", "url": "https://blog.example/feed.xml", "keywords": "Hearth, Foyer",
                    "intervalSeconds": "900",
                ])
            #expect(added.status == .seeOther)
            let listed = try await web.get("/admin/sources?done=added")
            #expect(listed.body.contains("Not read yet") && listed.body.contains("Hearth, Foyer"))
            let again = try await web.post(
                "/admin/sources",
                form: [
                    "kind": "feed", "name": "Blog", "url": "https://blog.example/feed.xml", "intervalSeconds": "900",
                ])
            #expect(again.status == .conflict, "a form sent twice adds one source")
            let emptied = try await web.post(
                "/admin/sources/1",
                form: [
                    "name": "Blog", "url": "https://blog.example/feed.xml", "keywords": "Hearth", "intervalMinutes": "",
                    "enabled": "1",
                ])
            #expect(emptied.status == .unprocessableContent, "an emptied interval is said, not ignored")
            #expect(emptied.body.contains("1 to 1,440 minutes"))
            #expect(try await web.get("/admin/sources").body.contains("every 15 minutes"))
            #expect(again.body.contains("A source is already named “Blog”"))
            let hook = try await web.post(
                "/admin/sources", form: ["kind": "webhook", "name": "Shop", "intervalSeconds": "900"])
            #expect(hook.status == .created)
            #expect(hook.body.contains("whsec_") && hook.body.contains("/api/v1/sources/"))
        }
    }
}
