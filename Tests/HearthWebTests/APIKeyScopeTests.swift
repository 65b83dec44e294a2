import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import HearthWeb
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API key scopes")
struct APIKeyScopeTests {
    /// A valid body for each write route, so that only the key's scope can be the reason for a refusal.
    static let bodies: [String: String] = [
        "POST /categories": #"{"name": "Scoped"}"#,
        "POST /topics": #"{"categoryId": 1, "title": "A scoped topic", "body": "Hello"}"#,
        "POST /topics/{id}/posts": #"{"body": "A reply"}"#,
        "PATCH /posts/{id}": #"{"body": "Edited"}"#,
        "POST /posts/{id}/reactions": #"{"kind": "like"}"#,
        "POST /articles": #"{"title": "An article", "body": "Text", "status": "published"}"#,
        "POST /articles/{id}/comments": #"{"body": "A comment"}"#,
        "POST /posts/{id}/flags": #"{"reason": "spam"}"#,
        "POST /posts/{id}/moderation": #"{"action": "hide"}"#,
        "POST /review/{id}/actions": #"{"action": "claim"}"#,
        "PUT /topics/{id}/slow-mode": #"{"seconds": 600, "until": "2030-01-01T00:00:00Z"}"#,
        "PUT /topics/{id}/timer": #"{"action": "close_for", "hours": 24}"#,
        "POST /members/{id}/penalties": #"{"kind": "warn", "reason": "test"}"#,
        "PUT /guidelines": #"{"language": "en", "body": "Be kind"}"#,
        "POST /watched-words": #"{"pattern": "scoped", "action": "flag"}"#,
        "POST /members/{id}/flags": #"{"reason": "spam"}"#,
        "PATCH /settings": #"{"name": "Scoped"}"#,
        "PATCH /categories/{id}": #"{"name": "Scoped"}"#,
        "PUT /members/{id}/role": #"{"role": "moderator"}"#,
        "POST /members/{id}/anonymisation": #"{"confirm": "cm"}"#,
        "POST /invitations": #"{"email": "new@example.org"}"#,
        "POST /api-keys": #"{"name": "another", "scope": "read"}"#,
        "POST /roles": #"{"name": {"en": "Advisor", "fr": "Conseiller"}, "powers": ["hidePost"]}"#,
        "POST /roles/{id}/holders": #"{"memberId": 1}"#,
    ]

    @Test(
        "a read key is refused on every write route of the API, even when its owner is the author and staff, and changes nothing",
        arguments: TestEngine.allCases)
    func readKeyWritesNothing(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let forum = community.services.forum
        let category = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        let (topic, opening) = try await forum.startTopic(staff, in: category.id, title: "Keep me", body: "Still here")
        let article = try await community.services.blog.create(
            staff, ArticleDraft(title: "Kept", body: "Text", status: .published))
        let (_, readKey) = try await community.services.apiKeys.create(
            name: "read", scope: .read, ownerEmail: "cm@example.org")

        let (web, settings) = community.services.web(metricsText: { "" })
        let router = buildRouter(services: web, renderer: community.services.renderer, settings: settings)
        let writeRoutes = router.routes.map { (method: $0.method, path: "\($0.path)") }
            .filter { $0.path.hasPrefix("/api/v1/") && $0.method != .get && $0.method != .head }
        #expect(writeRoutes.count >= 9, "every write route is in the table")

        try await community.test { client in
            for route in writeRoutes {
                let path = route.path.replacingOccurrences(of: "/api/v1", with: "")
                    .replacingOccurrences(of: ":id", with: "{id}")
                let id: Int64 =
                    if path.hasPrefix("/topics/") { topic.id.rawValue } else if path.hasPrefix("/articles/") {
                        article.id.rawValue
                    } else { opening.id.rawValue }
                let key = "\(route.method.rawValue) \(path)"
                var headers: HTTPFields = [.authorization: "Bearer \(readKey)"]
                let body: ByteBuffer
                if path == "/uploads" {
                    headers[.contentType] = "multipart/form-data; boundary=scope"
                    body = ByteBuffer(
                        bytes: TestImages.multipart(
                            boundary: "scope", fields: [:], fileField: "file", file: TestImages.png))
                } else {
                    headers[.contentType] = "application/json"
                    body = ByteBuffer(string: Self.bodies[key] ?? "{}")
                }
                let response = try await client.execute(
                    uri: "/api/v1" + path.replacingOccurrences(of: "{id}", with: String(id)), method: route.method,
                    headers: headers, body: body)
                #expect(response.status == .forbidden, "\(key) with a read key")
                #expect(String(buffer: response.body).contains("This API key can only read."), "\(key)")
            }
        }
        let page = try await forum.topicPage(staff, topic: topic.id)
        #expect(page.posts.map(\.id) == [opening.id])
        #expect(page.posts.first?.isDeleted == false, "the opening post, and so the topic, is still there")
        #expect(page.posts.first?.body == "Still here")
        #expect(try await forum.categories().count == 1)
    }

    @Test("a key for an empty or malformed owner address is refused, not made for the caller")
    func ownerAddress() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        _ = try await community.member("cm@example.org", role: .communityManager)
        let (_, key) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        try await community.test { client in
            for owner in ["", "nobody"] {
                let (status, body) = try await DelegationTests.send(
                    client, .post, "/api/v1/api-keys", key: key,
                    #"{"name": "Zapier", "scope": "read", "ownerEmail": "\#(owner)"}"#)
                #expect(status == .unprocessableContent && body.contains("leave ownerEmail out"), "\(owner): \(body)")
            }
            let (own, _) = try await DelegationTests.send(
                client, .post, "/api/v1/api-keys", key: key, #"{"name": "Mine", "scope": "read"}"#)
            #expect(own == .created)
        }
    }
}
