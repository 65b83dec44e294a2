import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import HummingbirdTesting
import Testing

/// The feedback board over JSON and as pages without JavaScript, on both engines: each bad input gets a clear
/// message and changes nothing.
@Suite("Feedback board on the web")
struct FeedbackAPITests {
    static let suggestion =
        "It would be great if you could add a dark mode to the mobile app. Please consider a dark theme option for reading at night."

    static func community(_ engine: TestEngine) async throws -> (TestCommunity, Post) {
        let community = try await TestCommunity.make(engine: engine)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let marie = try await community.member("marie@example.org")
        let (_, post) = try await community.services.forum.startTopic(
            Viewer(member: marie, credential: .session(SessionID(0))), in: category.id, title: "Dark mode",
            body: Self.suggestion)
        return (community, post)
    }

    @Test(
        "candidates, votes, statuses, merges, export and webhooks over JSON, with clear refusals",
        arguments: TestEngine.allCases)
    func api(engine: TestEngine) async throws {
        let (community, post) = try await Self.community(engine)
        defer { community.close() }
        let services = community.services
        let colleague = try await community.member("colin@example.org")
        try await services.database.write { sql in
            try await sql.update("members").set("role", to: "team").where("id", .equal, colleague.id.rawValue).run()
        }
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, marieKey) = try await services.apiKeys.create(
            name: "marie", scope: .write, ownerEmail: "marie@example.org")
        let (_, teamKey) = try await services.apiKeys.create(
            name: "team", scope: .write, ownerEmail: "colin@example.org")
        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let marie = ForumAPITests.APIClient(client: client, key: marieKey)
            let team = ForumAPITests.APIClient(client: client, key: teamKey)
            #expect(try await marie.call(.get, "/feedback/candidates").0 == .forbidden)
            let (_, candidates) = try await cm.call(.get, "/feedback/candidates")
            let candidate = try #require((candidates["items"] as? [[String: Any]])?.first)
            #expect(candidate["postId"] as? Int == Int(post.id.rawValue))
            #expect((candidate["explanation"] as? String)?.isEmpty == false)

            let (created, item) = try await cm.call(.post, "/feedback", #"{"postId": \#(post.id.rawValue)}"#)
            #expect(created == .created)
            let id = try #require(item["id"] as? Int)
            #expect(item["postIds"] as? [Int] == [Int(post.id.rawValue)])
            let (again, againError) = try await cm.call(.post, "/feedback", #"{"postId": \#(post.id.rawValue)}"#)
            #expect(again == .conflict)
            #expect(InboxWebTests.message(againError) == "This post is already on the board, in item #\(id).")

            // Voting twice.
            #expect(try await marie.call(.post, "/feedback/\(id)/votes").1["votes"] as? Int == 1)
            let (twice, twiceError) = try await marie.call(.post, "/feedback/\(id)/votes")
            #expect(twice == .conflict)
            #expect(InboxWebTests.message(twiceError) == "You have already voted for this item: one vote each.")
            #expect(try await marie.call(.delete, "/feedback/\(id)/votes").1["votes"] as? Int == 0)
            #expect(try await marie.call(.post, "/feedback/\(id)/votes").0 == .ok)

            // A status change by someone who may not make it; an unknown status; a merge into itself.
            let (refused, refusedError) = try await marie.call(.patch, "/feedback/\(id)", #"{"status": "planned"}"#)
            #expect(refused == .forbidden)
            #expect(InboxWebTests.message(refusedError) == "Only the community team may change an item's status.")
            #expect(try await team.call(.patch, "/feedback/\(id)", #"{"status": "planned"}"#).0 == .forbidden)
            #expect(try await cm.call(.patch, "/feedback/\(id)", #"{"status": "shipped"}"#).0 == .unprocessableContent)
            let (self_, selfError) = try await cm.call(.patch, "/feedback/\(id)", #"{"mergeInto": \#(id)}"#)
            #expect(self_ == .unprocessableContent)
            #expect(InboxWebTests.message(selfError) == "An item cannot be merged into itself.")
            let (nowhere, nowhereError) = try await cm.call(.patch, "/feedback/\(id)", #"{"mergeInto": 999999}"#)
            #expect(nowhere == .notFound && InboxWebTests.message(nowhereError) == "There is no item #999999.")

            // A loop: B merged into A, then A into B.
            let (_, other) = try await cm.call(.post, "/feedback", #"{"title": "A dark theme", "kind": "suggestion"}"#)
            let otherID = try #require(other["id"] as? Int)
            #expect(try await cm.call(.patch, "/feedback/\(otherID)", #"{"mergeInto": \#(id)}"#).0 == .ok)
            let (loop, loopError) = try await cm.call(.patch, "/feedback/\(id)", #"{"mergeInto": \#(otherID)}"#)
            #expect(loop == .conflict || loop == .unprocessableContent)
            #expect(InboxWebTests.message(loopError)?.isEmpty == false)

            let (planned, plannedItem) = try await cm.call(
                .patch, "/feedback/\(id)", #"{"status": "planned", "note": "Spring version.", "tags": ["mobile"]}"#)
            #expect(planned == .ok)
            #expect(plannedItem["status"] as? String == "planned")
            #expect(plannedItem["tags"] as? [String] == ["mobile"])
            #expect(try await cm.call(.get, "/feedback?status=planned&tag=mobile").1["items"] as? [Any] != nil)
            #expect(try await cm.call(.get, "/feedback?sort=best").0 == .unprocessableContent)
            #expect(try await cm.call(.get, "/feedback?cursor=nonsense").0 == .unprocessableContent)

            // Colleagues comment and export; members do neither, and never read the comments.
            #expect(
                try await team.call(.post, "/feedback/\(id)/comments", #"{"body": "Design is ready."}"#).0 == .noContent
            )
            #expect(try await marie.call(.post, "/feedback/\(id)/comments", #"{"body": "me"}"#).0 == .forbidden)
            #expect(try await marie.call(.get, "/feedback/\(id)").1["comments"] == nil)
            let seen = try await team.call(.get, "/feedback/\(id)").1["comments"] as? [[String: Any]]
            #expect(seen?.first?["body"] as? String == "Design is ready.")
            #expect(try await marie.call(.get, "/feedback/export").0 == .forbidden)
            let csv = try await client.execute(
                uri: "/api/v1/feedback/export?format=csv", method: .get, headers: [.authorization: "Bearer \(teamKey)"])
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first == "id,title,kind,status,votes,posts,tags,language,created_at,updated_at,note,url")
            #expect(lines.count == 2, "the merged item is not exported on its own")
            #expect(
                lines.last?.hasPrefix("\"\(id)\",\"Dark mode\",\"suggestion\",\"planned\",\"1\",\"1\",\"mobile\"")
                    == true)

            // Webhooks: community managers only, http(s) only.
            #expect(try await team.call(.get, "/webhooks").0 == .forbidden)
            let (badURL, badURLError) = try await cm.call(.post, "/webhooks", #"{"url": "javascript:alert(1)"}"#)
            #expect(badURL == .unprocessableContent)
            #expect(
                InboxWebTests.message(badURLError)
                    == "A webhook's address starts with http:// or https:// and names a host.")
            let (made, hook) = try await cm.call(.post, "/webhooks", #"{"url": "https://tracker.example/hook"}"#)
            #expect(made == .created)
            #expect((hook["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(
                (try await cm.call(.get, "/webhooks").1["items"] as? [[String: Any]])?.first?["secret"] == nil,
                "the secret is shown once")
        }
    }

    @Test("the board, an item and the candidates as pages", arguments: TestEngine.allCases)
    func pages(engine: TestEngine) async throws {
        let (community, post) = try await Self.community(engine)
        defer { community.close() }
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let candidates = try await cm.get("/feedback/candidates")
            #expect(candidates.status == .ok)
            #expect(candidates.body.contains("id=\"candidate-\(post.id.rawValue)\""))
            let accepted = try await cm.post("/feedback/candidates/\(post.id.rawValue)", form: ["decision": "yes"])
            let id = try #require(
                try await community.services.feedback.items(nil, FeedbackQuery()).items.first?.id.rawValue)
            let location = try #require(accepted.headers[.location])
            #expect(location == "/feedback/candidates?done=started&item=\(id)")
            #expect(
                try await cm.get(location).body.contains("The post started item #\(id), “"), "it says where it went")
            // "Add to the feedback board" on a post already there goes to its item instead of an error page.
            try await cm.get("/feedback")
            let again = try await cm.post("/p/\(post.id.rawValue)/feedback", form: [:])
            #expect(again.headers[.location] == "/feedback/\(id)?done=accepted")
            // A webhook address refused stays in its field.
            try await cm.get("/admin/webhooks")
            let refused = try await cm.post("/admin/webhooks", form: ["url": "ftp://tracker.example.org/hook"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(#"value="ftp://tracker.example.org/hook""#))
            let board = try await cm.get("/feedback")
            #expect(board.body.contains("Dark mode"))
            let nowhere = try await cm.post("/feedback/\(id)/merge", form: ["into": "999"])
            #expect(nowhere.status == .unprocessableContent && nowhere.body.contains("There is no item #999."))
            let merged = try await cm.post("/feedback/\(id)/merge", form: ["into": "\(id)"])
            #expect(merged.status == .unprocessableContent)
            #expect(merged.body.contains("An item cannot be merged into itself."))
            // The notice carried back comes from the community's template, edited on the board.
            #expect(try await cm.get("/feedback").body.contains("id=\"feedback-template\""))
            let edited = try await cm.post(
                "/feedback/template", form: ["language": "en", "body": "Now **{status}**: {title}. {note}"])
            #expect(edited.headers[.location] == "/feedback?done=saved")
            let planned = try await cm.post("/feedback/\(id)/status", form: ["status": "planned", "note": "Spring."])
            #expect(planned.headers[.location] == "/feedback/\(id)?done=status")
            try await community.services.jobs.drain()
            let thread = try await community.services.forum.topicPage(nil, topic: post.topicID)
            #expect(thread.posts.last?.body == "Now **planned**: Dark mode. Spring.")
            // An item merged into this one shows in its history, linked.
            let written = try await cm.post(
                "/feedback/new", form: ["title": "Night theme", "body": "", "kind": "suggestion"])
            let extra = try #require(
                written.headers[.location]?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int($0) })
            let joined = try await cm.post("/feedback/\(extra)/merge", form: ["into": "\(id)"])
            #expect(joined.headers[.location] == "/feedback/\(id)?done=merged")
            #expect(
                try await cm.get("/feedback/\(id)").body.contains(
                    "Merged here:</strong> <a href=\"/feedback/\(extra)\">#\(extra) Night theme</a>"))

            var marie = WebClient(client)
            try await ForumPagesTests.logIn(&marie, "marie@example.org")
            #expect(try await marie.get("/feedback/candidates").status == .forbidden)
            #expect(try await marie.post("/feedback/\(id)/vote", form: ["vote": "1"]).status == .seeOther)
            let twice = try await marie.post("/feedback/\(id)/vote", form: ["vote": "1"])
            #expect(twice.status == .conflict)
            #expect(twice.body.contains("You have already voted for this item: one vote each."))
            let page = try await marie.get("/feedback/\(id)")
            #expect(page.body.contains("Take my vote back"))
            #expect(!page.body.contains("id=\"manage-heading\""), "no staff tools for a member")

            var anonymous = WebClient(client)
            let visitor = try await anonymous.get("/feedback/\(id)")
            #expect(visitor.status == .ok)
            #expect(visitor.body.contains("Log in to vote or follow"))
        }
    }
}
