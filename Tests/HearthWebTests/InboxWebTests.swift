import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import HummingbirdTesting
import Testing

/// The priority inbox over JSON and as a page without JavaScript, on both engines.
@Suite("Inbox on the web")
struct InboxWebTests {
    static let question =
        "How do I export my reading list to a spreadsheet? I looked through the settings but found nothing."

    /// A community with its manager, a General category, a newcomer's question and a member with an API key.
    static func community(_ engine: TestEngine) async throws -> (TestCommunity, Viewer, Topic, Post) {
        let community = try await TestCommunity.make(engine: engine)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let noah = try await community.member("noah@example.org")
        let (topic, post) = try await community.services.forum.startTopic(
            Viewer(member: noah, credential: .session(SessionID(0))), in: category.id, title: "Export",
            body: Self.question)
        return (community, staff, topic, post)
    }

    @Test("list, act and be refused with a clear error over JSON", arguments: TestEngine.allCases)
    func api(engine: TestEngine) async throws {
        let (community, _, _, post) = try await Self.community(engine)
        defer { community.close() }
        let services = community.services
        try await community.member("ana@example.org")
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, readKey) = try await services.apiKeys.create(name: "read", scope: .read, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await services.apiKeys.create(name: "ana", scope: .write, ownerEmail: "ana@example.org")
        let now = community.clock.now
        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let reader = ForumAPITests.APIClient(client: client, key: readKey)
            let ana = ForumAPITests.APIClient(client: client, key: anaKey)
            #expect(try await ana.call(.get, "/inbox").0 == .forbidden, "a member has no inbox")
            let (status, page) = try await cm.call(.get, "/inbox?limit=5")
            #expect(status == .ok)
            let items = try #require(page["items"] as? [[String: Any]])
            let item = try #require(items.first)
            #expect(item["postId"] as? Int == Int(post.id.rawValue))
            #expect(item["kind"] as? String == "post")
            #expect((item["author"] as? [String: Any])?["newcomer"] as? Bool == true)
            let reasons = try #require(item["reasons"] as? [[String: Any]])
            #expect(reasons.first?["code"] as? String == "newcomer_question")
            #expect(reasons.first?["text"] as? String == "A newcomer's first question, unanswered for 0 min")
            #expect(item["score"] is Double)
            let id = try #require(item["id"] as? Int)

            #expect(try await cm.call(.get, "/inbox?limit=0").0 == .unprocessableContent)
            #expect(try await cm.call(.get, "/inbox?cursor=nonsense").0 == .unprocessableContent)
            #expect(try await reader.call(.get, "/inbox").0 == .ok, "a read key reads the inbox")
            #expect(try await reader.call(.post, "/inbox/\(id)/actions", #"{"action": "handled"}"#).0 == .forbidden)

            let (unknown, unknownError) = try await cm.call(.post, "/inbox/\(id)/actions", #"{"action": "burn"}"#)
            #expect(unknown == .unprocessableContent)
            #expect(
                Self.message(unknownError) == "action is handled, snooze, ignore, pertinent or assign.")
            let past = ISO8601DateFormatter().string(from: now.addingTimeInterval(-3_600))
            let (snoozedPast, pastError) = try await cm.call(
                .post, "/inbox/\(id)/actions", #"{"action": "snooze", "until": "\#(past)"}"#)
            #expect(snoozedPast == .unprocessableContent)
            #expect(Self.message(pastError) == "That moment has passed: snooze until a time still to come.")
            let (assigned, assignError) = try await cm.call(
                .post, "/inbox/\(id)/actions", #"{"action": "assign", "memberId": 3}"#)
            #expect(assigned == .unprocessableContent)
            #expect(
                Self.message(assignError)?.hasSuffix(
                    "cannot see this item: give them the inbox in its category first, or choose someone else.") == true)
            #expect(try await cm.call(.post, "/inbox/999999/actions", #"{"action": "handled"}"#).0 == .notFound)

            let (snoozed, snoozedItem) = try await cm.call(
                .post, "/inbox/\(id)/actions", #"{"action": "snooze", "until": "morning"}"#)
            #expect(snoozed == .ok)
            #expect(snoozedItem["snoozedUntil"] is String)
            #expect((try await cm.call(.get, "/inbox").1["items"] as? [[String: Any]])?.isEmpty == true)
            let (handled, handledItem) = try await cm.call(.post, "/inbox/\(id)/actions", #"{"action": "handled"}"#)
            #expect(handled == .ok)
            #expect(handledItem["state"] as? String == "handled")
            let (again, againError) = try await cm.call(.post, "/inbox/\(id)/actions", #"{"action": "pertinent"}"#)
            #expect(again == .conflict)
            #expect(Self.message(againError)?.contains("marked it handled") == true)
        }
    }

    @Test("the page lists, explains, answers in place and says who came first", arguments: TestEngine.allCases)
    func page(engine: TestEngine) async throws {
        let (community, _, topic, post) = try await Self.community(engine)
        defer { community.close() }
        try await community.test { client in
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "cm@example.org")
            let home = try await browser.get("/")
            #expect(home.body.contains(#"href="/inbox""#), "the header links the inbox")
            #expect(home.body.contains(#"<span class="badge" aria-label="1 new">1</span>"#))
            community.clock.advance(by: 6 * 3_600)
            let inbox = try await browser.get("/inbox")
            #expect(inbox.status == .ok)
            let reason = "first question, unanswered for 6 hours"
            #expect(inbox.body.contains("A newcomer&#39;s " + reason) || inbox.body.contains("A newcomer's " + reason))
            #expect(inbox.body.contains("Troll: let it be"))
            let id = try #require(Self.itemID(inbox.body))
            #expect(!(try await browser.get("/").body.contains(#"aria-label="1 new""#)), "opened: nothing new")

            // A reply with nothing in it comes back with the page and a clear error; one with words is posted.
            let empty = try await browser.post("/inbox/\(id)/reply", form: ["body": "  ", "quote": "1"])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Write something before posting."))
            let replied = try await browser.post(
                "/inbox/\(id)/reply", form: ["body": "Settings, then Export, then CSV.", "quote": "1"])
            #expect(replied.status == .seeOther)
            #expect(replied.headers[.location] == "/inbox?done=replied")
            let thread = try await community.services.forum.topicPage(nil, topic: topic.id)
            #expect(thread.posts.last?.quotePostID == post.id)
            #expect(thread.posts.last?.body == "Settings, then Export, then CSV.")
            let after = try await browser.get("/inbox?done=replied")
            #expect(after.body.contains("Your reply is in the thread; the item is handled."))
            #expect(Self.itemID(after.body) == nil)
            let late = try await browser.post("/inbox/\(id)", form: ["action": "handled"])
            #expect(late.status == .conflict)
            #expect(late.body.contains("replied to it"))
            let unknown = try await browser.post("/inbox/\(id)", form: ["action": "burn"])
            #expect(unknown.status == .unprocessableContent)
        }
    }

    @Test("a member without an inbox is refused the page, and a visitor is sent to log in")
    func refused() async throws {
        let (community, _, _, _) = try await Self.community(.sqlite)
        defer { community.close() }
        try await community.test { client in
            var visitor = WebClient(client)
            let page = try await visitor.get("/inbox")
            #expect(page.status == .seeOther)
            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "noah@example.org")
            #expect(!(try await member.get("/").body.contains(#"href="/inbox""#)))
            #expect(try await member.get("/inbox").status == .forbidden)
        }
    }

    static func message(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["message"] as? String
    }

    static func itemID(_ html: String) -> Int? {
        guard let range = html.range(of: #"action="/inbox/"#) else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }
}
