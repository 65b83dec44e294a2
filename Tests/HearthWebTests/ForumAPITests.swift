import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import HearthWeb
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Forum API")
struct ForumAPITests {
    /// Sends JSON with a bearer key and decodes the answer as a dictionary.
    struct APIClient {
        let client: any TestClientProtocol
        let key: String

        @discardableResult
        func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws
            -> (HTTPResponse.Status, [String: Any])
        {
            var headers: HTTPFields = [.authorization: "Bearer \(key)"]
            if body != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(
                uri: "/api/v1" + path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            let data = Data(buffer: response.body)
            let json = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
            return (response.status, json)
        }
    }

    @Test("topics, posts, edits, deletes, reactions and notifications over JSON", arguments: TestEngine.allCases)
    func roundTrip(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        try await community.member("cm@example.org", role: .communityManager)
        let ana = try await community.member("ana@example.org")
        let (_, cmKey) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await community.services.apiKeys.create(
            name: "ana", scope: .write, ownerEmail: "ana@example.org")
        let (_, readKey) = try await community.services.apiKeys.create(
            name: "read", scope: .read, ownerEmail: "ana@example.org")
        try await community.test { client in
            let cm = APIClient(client: client, key: cmKey)
            let member = APIClient(client: client, key: anaKey)

            let (created, category) = try await cm.call(
                .post, "/categories", #"{"name": "Help", "description": "Ask"}"#)
            #expect(created == .created)
            #expect(category["slug"] as? String == "help")
            let (refused, error) = try await member.call(.post, "/categories", #"{"name": "Mine"}"#)
            #expect(refused == .forbidden)
            #expect((error["error"] as? [String: Any])?["code"] as? String == "forbidden")

            let (bad, badBody) = try await member.call(.post, "/topics", #"{"title": 3}"#)
            #expect(bad == .unprocessableContent)
            #expect(((badBody["error"] as? [String: Any])?["message"] as? String)?.contains("categoryId") == true)

            let (started, topic) = try await member.call(
                .post, "/topics", #"{"categoryId": 1, "title": "How do I export?", "body": "Ping @cm_"}"#)
            #expect(started == .created)
            let topicID = try #require((topic["topic"] as? [String: Any])?["id"] as? Int)
            let firstPost = try #require((topic["post"] as? [String: Any])?["id"] as? Int)

            let (replied, reply) = try await cm.call(
                .post, "/topics/\(topicID)/posts",
                #"{"body": "Like this, @\#(ana.handle)", "quotePostId": \#(firstPost)}"#)
            #expect(replied == .created)
            #expect(reply["number"] as? Int == 2)
            #expect(reply["quotePostId"] as? Int == firstPost)
            let replyID = try #require(reply["id"] as? Int)

            let (_, notes) = try await member.call(.get, "/notifications")
            let items = try #require(notes["items"] as? [[String: Any]])
            #expect(items.map { $0["kind"] as? String } == ["quote"])
            #expect(items.first?["read"] as? Bool == false)

            let (reacted, state) = try await member.call(.post, "/posts/\(replyID)/reactions", #"{"kind": "like"}"#)
            #expect(reacted == .ok)
            #expect(state["active"] as? Bool == true)
            #expect(
                try await member.call(.post, "/posts/\(replyID)/reactions", #"{"kind": "meh"}"#).0
                    == .unprocessableContent)

            let (edited, editedPost) = try await member.call(
                .patch, "/posts/\(firstPost)", #"{"body": "How do I *export*?"}"#)
            #expect(edited == .ok)
            #expect(editedPost["html"] as? String == "<p>How do I <em>export</em>?</p>\n")
            #expect(editedPost["editCount"] as? Int == 1)
            // Based on the version read: an edit from an older one is refused, not saved over the newer text.
            let (stale, staleError) = try await member.call(
                .patch, "/posts/\(firstPost)", #"{"body": "From an old copy", "basedOn": 0}"#)
            #expect(stale == .conflict)
            #expect(InboxWebTests.message(staleError)?.hasPrefix("This post was changed since you opened it.") == true)
            #expect(
                try await member.call(
                    .patch, "/posts/\(firstPost)", #"{"body": "How do I *export* it?", "basedOn": 1}"#
                )
                .0 == .ok)
            #expect(try await member.call(.patch, "/posts/\(replyID)", #"{"body": "mine now"}"#).0 == .forbidden)

            #expect(try await cm.call(.delete, "/posts/\(replyID)").0 == .noContent)
            let (_, read) = try await member.call(.get, "/topics/\(topicID)")
            let posts = try #require(read["posts"] as? [[String: Any]])
            #expect(posts.count == 2)
            #expect(posts[1]["deleted"] as? Bool == true)
            #expect(posts[1]["body"] as? String == "", "a deleted post's text is not shown to members")
            #expect(posts[0]["reactions"] as? [String: Int] == [:])

            let (_, list) = try await member.call(.get, "/topics?categoryId=1")
            #expect((list["items"] as? [[String: Any]])?.first?["title"] as? String == "How do I export?")
            #expect(try await member.call(.get, "/topics?cursor=nonsense").0 == .unprocessableContent)
            #expect(try await member.call(.get, "/topics/9999").0 == .notFound)

            let (_, profile) = try await member.call(.get, "/members/\(ana.id)")
            #expect(profile["handle"] as? String == ana.handle)
            #expect(profile["email"] as? String == "ana@example.org")
            let (_, other) = try await cm.call(.get, "/members/\(ana.id)")
            #expect(other["email"] == nil, "e-mail addresses are private")

            let readOnly = APIClient(client: client, key: readKey)
            #expect(try await readOnly.call(.get, "/topics").0 == .ok)
            #expect(try await readOnly.call(.post, "/topics/\(topicID)/posts", #"{"body": "x"}"#).0 == .forbidden)
        }
    }

    @Test("topic lists page by cursor over the API")
    func paging() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let viewer = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await community.services.forum.createCategory(
            viewer, name: "General", description: "", startPolicy: .everyone)
        for index in 1...5 {
            community.clock.advance(by: 1)
            _ = try await community.services.forum.startTopic(
                viewer, in: category.id, title: "Topic \(index)", body: "x")
        }
        let (_, key) = try await community.services.apiKeys.create(name: "k", scope: .read, ownerEmail: nil)
        try await community.test { client in
            let api = APIClient(client: client, key: key)
            var titles: [String] = []
            var cursor: String?
            repeat {
                let query = "/topics?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let (status, page) = try await api.call(.get, query)
                #expect(status == .ok)
                titles += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(titles == ["Topic 5", "Topic 4", "Topic 3", "Topic 2", "Topic 1"])
        }
    }

    @Test("openapi.json lists exactly the routes under /api/v1, and each documented route answers")
    func openAPIMatchesRoutes() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        let (web, settings) = community.services.web(metricsText: { "" })
        let router = buildRouter(services: web, renderer: community.services.renderer, settings: settings)
        let registered = Set(
            router.routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains(" /api/v1/") }
                .map { $0.replacingOccurrences(of: "/api/v1", with: "") }
                .map { $0.replacing(#/:(\w+)/#) { "{\($0.1)}" } })

        try await community.test { client in
            var documented: Set<String> = []
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for (path, operations) in paths {
                for method in operations.keys {
                    documented.insert("\(method.uppercased()) \(path)")
                    // A route that exists answers with our JSON (an error for a missing id is fine); only a
                    // route the router does not know gives Hummingbird's bare 404 or 405.
                    let answer = try await client.execute(
                        uri: "/api/v1" + path.replacingOccurrences(of: "{id}", with: "1"),
                        method: HTTPRequest.Method(method.uppercased())!, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: "{}"))
                    #expect(answer.status != .methodNotAllowed, "\(method) \(path)")
                    #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true, "\(method) \(path)")
                }
            }
            #expect(registered.subtracting(documented).isEmpty, "routes missing from openapi.json")
            #expect(documented.subtracting(registered).isEmpty, "documented routes that do not exist")
            #expect(documented.count >= 13)
        }
    }

    @Test("a method an address lacks: 405 with Allow on the API, the form's page for a GET to a form's address")
    func undeclaredMethods() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.test { client in
            let api = try await client.execute(uri: "/api/v1/posts/3/reactions", method: .get)
            #expect(api.status == .methodNotAllowed)
            #expect(api.headers[.allow]?.contains("POST") == true)
            #expect(String(buffer: api.body).contains("method_not_allowed"))
            // A refused form is shown at the address it was sent to; opening that address later goes to its page.
            for (form, page) in [
                ("/t/1/replies", "/t/1"), ("/feedback/7/merge", "/feedback/7"), ("/u/ana/flag", "/u/ana"),
                ("/feedback/new", "/feedback"), ("/language", "/"), ("/p/5/react", "/p/5"),
                ("/admin/roles/3/holders/9/remove", "/admin/roles"),
            ] {
                let answer = try await client.execute(uri: form, method: .get)
                #expect(answer.status == .seeOther, "\(form)")
                #expect(answer.headers[.location] == page, "\(form)")
            }
            #expect(try await client.execute(uri: "/no/such/page", method: .get).status == .notFound)
        }
    }
}
