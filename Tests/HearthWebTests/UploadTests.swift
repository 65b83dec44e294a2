import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Uploads")
struct UploadTests {
    static let boundary = "hearth-test-boundary"

    @Test("images upload over the API, are served with their type, long caching and nosniff, and bad files are refused")
    func api() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-up-\(UUID().uuidString)").path
        let community = try await TestCommunity.make(
            environment: [
                "HEARTH_DATA_DIR": data, "HEARTH_UPLOAD_MAX_BYTES": "2000", "HEARTH_UPLOAD_MAX_PIXELS": "1000000",
            ])
        defer { community.close() }
        try await community.member("ana@example.org")
        let (_, key) = try await community.services.apiKeys.create(
            name: "k", scope: .write, ownerEmail: "ana@example.org")
        try await community.test { client in
            func upload(_ bytes: [UInt8], field: String = "file") async throws -> (HTTPResponse.Status, String) {
                let response = try await client.execute(
                    uri: "/api/v1/uploads", method: .post,
                    headers: [
                        .authorization: "Bearer \(key)", .contentType: "multipart/form-data; boundary=\(Self.boundary)",
                    ],
                    body: ByteBuffer(
                        bytes: TestImages.multipart(boundary: Self.boundary, fields: [:], fileField: field, file: bytes)
                    ))
                return (response.status, String(buffer: response.body))
            }
            let (status, body) = try await upload(TestImages.png)
            #expect(status == .created)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let url = try #require(json["url"] as? String)
            #expect(url.hasPrefix("/uploads/") && url.hasSuffix(".png"))
            #expect(json["width"] as? Int == 2)
            #expect(try await upload(TestImages.png).0 == .created, "the same image twice is fine")

            let served = try await client.execute(uri: url, method: .get)
            #expect(served.status == .ok)
            #expect(Array(served.body.readableBytesView) == TestImages.png)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.xContentTypeOptions] == "nosniff")
            #expect(served.headers[.cacheControl] == "public, max-age=31536000, immutable")

            let html = Array("<html><script>alert(1)</script></html>".utf8)
            let (refused, message) = try await upload(html)
            #expect(refused == .unprocessableContent)
            #expect(message.contains("Only PNG, JPEG, GIF and WebP images can be uploaded"))
            #expect(try await upload([UInt8](repeating: 0x89, count: 3_000)).1.contains("the limit is"))
            #expect(try await upload(TestImages.pngHeader(width: 5_000, height: 5_000)).1.contains("megapixels"))
            #expect(try await upload(TestImages.png, field: "other").0 == .unprocessableContent)

            #expect(try await client.execute(uri: "/uploads/../../etc/passwd", method: .get).status == .notFound)
            #expect(
                try await client.execute(uri: "/uploads/\(String(repeating: "0", count: 64)).png", method: .get).status
                    == .notFound)
        }
    }

    @Test("a member starts a topic with an image from the plain HTML form")
    func topicWithImage() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-up-\(UUID().uuidString)").path
        let community = try await TestCommunity.make(environment: ["HEARTH_DATA_DIR": data])
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        _ = try await community.services.forum.createCategory(
            Viewer(member: manager, credential: .session(SessionID(0))), name: "General", description: "",
            startPolicy: .everyone)
        try await community.test { client in
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "cm@example.org")
            let form = try await browser.get("/new-topic")
            #expect(form.body.contains(#"enctype="multipart/form-data""#))
            func post(csrf: String) async throws -> WebClient.Page {
                let body = TestImages.multipart(
                    boundary: Self.boundary,
                    fields: ["csrf": csrf, "category": "1", "title": "Our new logo", "body": "What do you think?"],
                    fileField: "image", fileName: "logo <v2>.png", file: TestImages.png)
                return try await browser.send(
                    "/new-topic", method: .post, bytes: ByteBuffer(bytes: body),
                    headers: [.contentType: "multipart/form-data; boundary=\(Self.boundary)"])
            }
            #expect(try await post(csrf: "wrong").status == .forbidden)
            let created = try await post(csrf: browser.csrf)
            #expect(created.status == .seeOther)
            let topic = try await browser.get(try #require(created.headers[.location]))
            #expect(topic.body.contains(#"<img src="/uploads/"#))
            #expect(topic.body.contains(#"alt="logo v2""#))
        }
    }
}

@Suite("Profile")
struct ProfileTests {
    @Test("members edit their name, bio, picture and language; bad input keeps what they typed")
    func editProfile() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pr-\(UUID().uuidString)").path
        let community = try await TestCommunity.make(environment: ["HEARTH_DATA_DIR": data])
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let bo = try await community.member("bo@example.org")
        let (topic, _) = try await community.services.forum.startTopic(
            Viewer(member: bo, credential: .session(SessionID(0))),
            in: try await community.services.forum.createCategory(
                Viewer(
                    member: try await community.member("cm@example.org", role: .communityManager),
                    credential: .session(SessionID(0))),
                name: "General", description: "", startPolicy: .everyone
            ).id, title: "Bikes", body: "Who rides?")
        try await community.test { client in
            var browser = WebClient(client)
            #expect(try await browser.get("/profile").status == .seeOther, "visitors are sent to log in")
            try await ForumPagesTests.logIn(&browser, "ana@example.org")
            let form = try await browser.get("/profile")
            #expect(form.body.contains(#"value="Member ana""#))
            let boundary = "profile-boundary"
            func save(_ fields: [String: String], picture: Bool) async throws -> WebClient.Page {
                try await browser.send(
                    "/profile", method: .post,
                    bytes: ByteBuffer(
                        bytes: TestImages.multipart(
                            boundary: boundary, fields: fields.merging(["csrf": browser.csrf]) { $1 },
                            fileField: picture ? "avatar" : nil, file: TestImages.png)),
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
            }
            let bad = try await save(["name": " ", "bio": "Still here", "language": "fr"], picture: false)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains(">Still here</textarea>"))
            let saved = try await save(
                ["name": "Ana López", "bio": "I *love* bikes <script>", "language": "fr"], picture: true)
            #expect(saved.status == .seeOther)
            let profile = try await browser.get("/u/\(ana.handle)")
            #expect(profile.body.contains("<h1>Ana López</h1>"))
            #expect(profile.body.contains("<p>I <em>love</em> bikes &lt;script&gt;</p>"))
            #expect(profile.body.contains(#"<img src="/uploads/"#))
            #expect(profile.body.contains(#"<html lang="fr">"#), "the language is saved on the account")
            #expect(profile.body.contains("Modifier mon profil"))

            // The picture goes beside her posts; a member without one gets the initial of their name.
            let replied = try await browser.post("/t/\(topic.id.rawValue)/replies", form: ["body": "Me!"])
            #expect(replied.status == .seeOther)
            let page = try await browser.get("/t/\(topic.id.rawValue)")
            let picture = try #require(profile.body.firstMatch(of: #/src="(/uploads/[^"]+)"/#)?.output.1)
            #expect(page.body.contains(#"<img class="avatar" src="\#(picture)" alt="""#))
            #expect(page.body.contains(#"<span class="avatar" aria-hidden="true">M</span>"#), "Bo's initial")
            let member = try await browser.get("/api/v1/members/\(ana.id.rawValue)")
            #expect(member.body.contains(#""avatarUrl":"\#(picture)""#))
        }
    }
}
