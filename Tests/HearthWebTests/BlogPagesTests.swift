import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Blog pages")
struct BlogPagesTests {
    @Test("staff write an article with a cover and product card; members read and comment; feeds and the API list it")
    func blog() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-blog-\(UUID().uuidString)")
            .path
        let community = try await TestCommunity.make(environment: ["HEARTH_DATA_DIR": data])
        defer { community.close() }
        try await community.member("cm@example.org", role: .communityManager)
        try await community.member("ana@example.org")
        let (_, key) = try await community.services.apiKeys.create(
            name: "k", scope: .write, ownerEmail: "ana@example.org")
        try await community.test { client in
            var staff = WebClient(client)
            try await ForumPagesTests.logIn(&staff, "cm@example.org")
            #expect(try await staff.get("/blog/new").body.contains(#"name="productURL""#))
            let boundary = "blog-boundary"
            func submit(_ fields: [String: String]) async throws -> WebClient.Page {
                try await staff.send(
                    "/blog/new", method: .post,
                    bytes: ByteBuffer(
                        bytes: TestImages.multipart(
                            boundary: boundary, fields: fields.merging(["csrf": staff.csrf]) { $1 }, fileField: "cover",
                            file: TestImages.png)),
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
            }
            let refused = try await submit([
                "title": "Hello", "body": "x", "status": "published", "productName": "Kit",
                "productURL": "javascript:x",
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("The product link must be an http(s) address."))
            #expect(
                refused.body.contains(#"<input type="hidden" name="coverPath" value="/uploads/"#), "the cover is kept")

            let created = try await submit([
                "title": "Meet the team", "body": "We are *five*.", "status": "published", "tags": "team, news",
                "productName": "Hearth Pro", "productURL": "https://example.org/pro",
            ])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/blog/meet-the-team")

            var reader = WebClient(client)
            try await ForumPagesTests.logIn(&reader, "ana@example.org")
            let index = try await reader.get("/blog")
            #expect(index.body.contains(#"<a href="/blog/meet-the-team">Meet the team</a>"#))
            #expect(!index.body.contains("Write an article"))
            let article = try await reader.get("/blog/meet-the-team")
            #expect(article.body.contains("<p>We are <em>five</em>.</p>"))
            #expect(article.body.contains(#"<img class="cover" src="/uploads/"#))
            #expect(article.body.contains(#"<a href="https://example.org/pro" rel="nofollow noopener">Hearth Pro</a>"#))
            #expect(article.body.contains("No comments yet."))
            #expect(try await reader.get("/blog/new").status == .forbidden)

            let comment = try await reader.post(
                "/blog/meet-the-team/comments", form: ["body": "Welcome, all **five**!"])
            #expect(comment.status == .seeOther)
            #expect(comment.headers[.location] == "/blog/meet-the-team?page=1#p2")
            let withComment = try await reader.get("/blog/meet-the-team")
            #expect(withComment.body.contains("<p>Welcome, all <strong>five</strong>!</p>"))
            #expect(try await reader.get("/t/1").headers[.location] == "/blog/meet-the-team?page=1")
            #expect(try await reader.get("/").body.contains("From the blog"))

            let rss = String(buffer: try await client.execute(uri: "/blog.rss", method: .get).body)
            #expect(rss.contains("<title>Meet the team</title>"))
            #expect(rss.contains("<link>http://hearth.test/blog/meet-the-team</link>"))

            let api = try await client.execute(
                uri: "/api/v1/articles", method: .get, headers: [.authorization: "Bearer \(key)"])
            #expect(String(buffer: api.body).contains(#""slug":"meet-the-team""#))
            let posted = try await client.execute(
                uri: "/api/v1/articles/1/comments", method: .post,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"body": "From the API"}"#))
            #expect(posted.status == .created)
            let denied = try await client.execute(
                uri: "/api/v1/articles", method: .post,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"title": "Mine", "body": "x"}"#))
            #expect(denied.status == .forbidden)
        }
    }
}
