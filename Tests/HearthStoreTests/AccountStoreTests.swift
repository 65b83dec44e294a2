import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@Suite("Account repositories")
struct AccountStoreTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    func newMember(_ email: String, role: Role = .member) -> NewMember {
        NewMember(
            email: email, displayName: "Name of \(email)", role: role, passwordHash: "hash-\(email)", createdAt: start)
    }

    @Test(
        "members are found by id and by e-mail whatever its case; duplicates are refused",
        arguments: TestEngine.allCases)
    func members(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        let members = SQLMemberRepository(database: database)

        let created = try await members.create(newMember("ana@example.org"))
        #expect(try await members.find(id: created.id) == created)
        #expect(try await members.find(email: "ANA@example.org")?.id == created.id)
        #expect(try await members.passwordHash(of: created.id) == "hash-ana@example.org")
        await #expect(throws: HearthError.self) { try await members.create(newMember("ana@example.org")) }

        try await members.setPasswordHash("new-hash", of: created.id)
        #expect(try await members.passwordHash(of: created.id) == "new-hash")
        #expect(try await members.count(role: .communityManager) == 0)
        let manager = try await members.create(newMember("cm@example.org", role: .communityManager))
        _ = try await members.create(newMember("cm2@example.org", role: .communityManager))
        #expect(try await members.count(role: .communityManager) == 2)
        #expect(try await members.firstMember(withRole: .communityManager)?.id == manager.id)
    }

    @Test("sessions expire, are extended, and can all be ended but one", arguments: TestEngine.allCases)
    func sessions(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        let member = try await SQLMemberRepository(database: database).create(newMember("bo@example.org"))
        let sessions = SQLSessionRepository(database: database)

        let first = try await sessions.create(
            tokenDigest: "d1", memberID: member.id, csrfToken: "c1", createdAt: start,
            expiresAt: start.addingTimeInterval(60), userAgent: "test")
        let second = try await sessions.create(
            tokenDigest: "d2", memberID: member.id, csrfToken: "c2", createdAt: start,
            expiresAt: start.addingTimeInterval(3600), userAgent: nil)

        let found = try #require(try await sessions.find(tokenDigest: "d1", now: start))
        #expect(found.0 == first)
        #expect(found.1 == member)
        #expect(try await sessions.find(tokenDigest: "d1", now: start.addingTimeInterval(61)) == nil)
        try await sessions.extend(first.id, until: start.addingTimeInterval(7200))
        #expect(try await sessions.find(tokenDigest: "d1", now: start.addingTimeInterval(61)) != nil)

        try await sessions.deleteAll(of: member.id, except: second.id)
        #expect(try await sessions.find(tokenDigest: "d1", now: start) == nil)
        #expect(try await sessions.find(tokenDigest: "d2", now: start) != nil)
        #expect(try await sessions.deleteExpired(before: start.addingTimeInterval(4000)) == 1)
        #expect(try await sessions.find(tokenDigest: "d2", now: start) == nil)
    }

    @Test(
        "a one-time token is used once, even by racing requests, and not after it expires",
        arguments: TestEngine.allCases)
    func oneTimeTokens(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        let tokens = SQLOneTimeTokenRepository(database: database)
        try await tokens.create(
            purpose: .setup, tokenDigest: "t1", memberID: nil, email: nil, createdAt: start,
            expiresAt: start.addingTimeInterval(60))
        try await tokens.create(
            purpose: .setup, tokenDigest: "t2", memberID: nil, email: nil, createdAt: start,
            expiresAt: start.addingTimeInterval(60))

        #expect(try await tokens.find(purpose: .passwordReset, tokenDigest: "t1", now: start) == nil)
        #expect(try await tokens.find(purpose: .setup, tokenDigest: "t1", now: start) != nil)
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try await tokens.consume(purpose: .setup, tokenDigest: "t1", now: self.start) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        #expect(try await tokens.find(purpose: .setup, tokenDigest: "t1", now: start) == nil)
        #expect(try await tokens.consume(purpose: .setup, tokenDigest: "t2", now: start.addingTimeInterval(61)) == nil)
        try await tokens.invalidateAll(purpose: .setup, memberID: nil, now: start)
        #expect(try await tokens.find(purpose: .setup, tokenDigest: "t2", now: start) == nil)
    }

    @Test("API keys are found by digest until revoked", arguments: TestEngine.allCases)
    func apiKeys(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        let member = try await SQLMemberRepository(database: database).create(newMember("cy@example.org"))
        let keys = SQLAPIKeyRepository(database: database)
        let key = try await keys.create(
            memberID: member.id, name: "export", scope: .write, keyDigest: "kd", displayPrefix: "hth_ab",
            createdAt: start)
        let (found, owner) = try #require(try await keys.find(keyDigest: "kd"))
        #expect(found == key)
        #expect(owner.id == member.id)
        try await keys.markUsed(key.id, at: start.addingTimeInterval(5))
        #expect(try await keys.list().first?.lastUsedAt == start.addingTimeInterval(5))
        #expect(try await keys.revoke(key.id, at: start))
        #expect(try await keys.revoke(key.id, at: start) == false)
        #expect(try await keys.find(keyDigest: "kd") == nil)
    }

    @Test(
        "deleting a member removes their sessions and keys (foreign keys are enforced)", arguments: TestEngine.allCases)
    func cascade(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        defer { Task { await database.close() } }
        let member = try await SQLMemberRepository(database: database).create(newMember("dee@example.org"))
        _ = try await SQLSessionRepository(database: database).create(
            tokenDigest: "x", memberID: member.id, csrfToken: "c", createdAt: start,
            expiresAt: start.addingTimeInterval(60), userAgent: nil)
        try await database.write { sql in
            try await sql.delete(from: "members").where("id", .equal, member.id.rawValue).run()
        }
        #expect(try await SQLSessionRepository(database: database).find(tokenDigest: "x", now: start) == nil)
        await #expect(throws: (any Error).self) {
            try await database.write { sql in
                try await sql.insert(into: "sessions")
                    .columns("token_digest", "member_id", "csrf_token", "created_at", "expires_at")
                    .values("y", 999_999, "c", 0, 0).run()
            }
        }
    }
}
