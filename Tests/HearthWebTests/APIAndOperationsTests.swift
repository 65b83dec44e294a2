import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import HummingbirdTesting
import Logging
import Testing

@Suite("API and operations")
struct APIAndOperationsTests {
    @Test("GET /api/v1/me returns the key's owner, and a JSON 401 without a valid key")
    func me() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.member("cm@example.org", role: .communityManager)
        let (_, secret) = try await community.services.apiKeys.create(name: "script", scope: .read, ownerEmail: nil)
        try await community.test { client in
            let ok = try await client.execute(
                uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(ok.status == .ok)
            struct Me: Decodable {
                let email: String
                let role: String
            }
            let me = try JSONDecoder().decode(Me.self, from: Data(buffer: ok.body))
            #expect(me.email == "cm@example.org")
            #expect(me.role == "community_manager")

            for headers: HTTPFields in [[:], [.authorization: "Bearer hth_not_a_key"]] {
                let refused = try await client.execute(uri: "/api/v1/me", method: .get, headers: headers)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.contentType]?.hasPrefix("application/json") == true)
                let body =
                    try JSONSerialization.jsonObject(with: Data(buffer: refused.body)) as? [String: [String: String]]
                #expect(body?["error"]?["code"] == "unauthorized")
                #expect(body?["error"]?["message"]?.isEmpty == false)
            }
        }
        let keyID = try #require(try await community.services.apiKeys.list().first?.id)
        try await community.services.apiKeys.revoke(keyID)
        try await community.test { client in
            let revoked = try await client.execute(
                uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(revoked.status == .unauthorized)
        }
    }

    @Test("healthz answers ok while the database answers, 503 once it is gone; every response has a request id")
    func health() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.test { client in
            let ok = try await client.execute(uri: "/healthz", method: .get)
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
            // In-process requests come from no address, so not from an allowed one (HardeningTests reads it live).
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .forbidden)
            #expect(try await client.execute(uri: "/no/such/page", method: .get).status == .notFound)
        }
        await community.services.database.close()
        try await community.test { client in
            let down = try await client.execute(uri: "/healthz", method: .get)
            #expect(down.status == .serviceUnavailable)
        }
    }

    @Test("a PostgreSQL that is down gives a 503 page with a plain message, not a crash or a stack trace")
    func databaseDown() async throws {
        let port = try TestEnvironment.freePort()
        let database = try await HearthDatabase.open(
            .postgres(.init(host: "127.0.0.1", port: port, username: "x", password: nil, database: "x", tls: .disable)),
            logger: Logger(label: "test"))
        let services = try await HearthServices.forTesting(database: database)
        let app = HearthServer.makeApplication(services: services, logger: Logger(label: "test.web"))
        try await app.test(.router) { client in
            var browser = WebClient(client)
            try await browser.get("/login")
            let page = try await browser.post("/login", form: ["email": "a@b.org", "password": "whatever long"])
            #expect(page.status == .serviceUnavailable)
            #expect(page.body.contains("cannot be reached right now"))
            #expect(!page.body.contains("PSQLError"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .serviceUnavailable)
        }
        await database.close()
    }

    @Test("accounts and sessions survive a restart (same SQLite file, new process state)")
    func survivesRestart() async throws {
        let path = TestDatabase.temporarySQLitePath()
        let first = try await HearthDatabase.open(.sqlite(path: path), logger: Logger(label: "test"))
        try await Migrator(database: first).migrate()
        let before = try await HearthServices.forTesting(database: first)
        _ = try await before.accounts.signUp(
            try AccountForm(email: "jo@example.org", displayName: "Jo", password: "a long enough password"),
            inviteToken: nil)
        let member = try await before.accounts.logIn(
            email: "jo@example.org", password: "a long enough password", clientAddress: "t")
        let (secret, _) = try await before.sessions.start(for: member, userAgent: nil)
        // No close: the first handle is abandoned as a killed process would leave it.

        let second = try await HearthDatabase.open(.sqlite(path: path), logger: Logger(label: "test"))
        let after = try await HearthServices.forTesting(database: second)
        let app = HearthServer.makeApplication(services: after, logger: Logger(label: "test.web"))
        try await app.test(.router) { client in
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: "hearth_session=\(secret)"])
            #expect(String(buffer: home.body).contains("logged in as <strong>Jo</strong>"))
        }
        await second.close()
        await first.close()
    }
}
