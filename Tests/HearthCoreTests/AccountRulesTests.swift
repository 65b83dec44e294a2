import Foundation
import HearthCore
import HearthTestSupport
import Testing

@Suite("Account rules")
struct AccountRulesTests {
    @Test("the account form normalises the e-mail and reports every bad field at once")
    func form() throws {
        let form = try AccountForm(
            email: "  Ana@Example.ORG ", displayName: " Ana ", password: "a long enough password")
        #expect(form.email == "ana@example.org")
        #expect(form.displayName == "Ana")
        #expect {
            try AccountForm(email: "not-an-address", displayName: "", password: "short")
        } throws: { error in
            guard case HearthError.validation(let fields) = error else { return false }
            return fields.map(\.field) == ["email", "name", "password"]
        }
        #expect(throws: HearthError.self) {
            try AccountForm(email: "a@b.org", displayName: "A", password: String(repeating: "é", count: 40))
        }
    }

    @Test("production passwords are hashed with bcrypt at cost 12 and verified")
    func bcryptCost() async {
        let hasher = BcryptPasswordHasher()
        let hash = await hasher.hash("a long enough password")
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(await hasher.verify("a long enough password", against: hash))
        #expect(await !hasher.verify("another password", against: hash))
    }

    @Test("the attempt limiter refuses after the limit and forgets after the window")
    func limiter() async throws {
        let clock = TestClock()
        let attempts = InMemoryAttempts()
        let limiter = AttemptLimiter(rule: .init(maxFailures: 3, window: 60), attempts: attempts, now: clock.function)
        for _ in 0..<3 {
            #expect(try await limiter.retryAfter("k") == nil)
            try await limiter.recordFailure("k")
        }
        #expect(try await limiter.retryAfter("k") == 60)
        #expect(try await limiter.retryAfter("other") == nil)
        clock.advance(by: 30)
        #expect(try await limiter.retryAfter("k") == 30)
        clock.advance(by: 31)
        #expect(try await limiter.retryAfter("k") == nil)
        #expect(try await attempts.purge(before: clock.now) == 3)
    }

    @Test("secrets are random, digests are stable, comparison is exact")
    func secrets() {
        let one = SecretToken.generate(prefix: "hth_")
        #expect(one.hasPrefix("hth_"))
        #expect(one != SecretToken.generate(prefix: "hth_"))
        #expect(!one.contains("+") && !one.contains("/") && !one.contains("="))
        #expect(SecretToken.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SecretToken.constantTimeEquals("abc", "abc"))
        #expect(!SecretToken.constantTimeEquals("abc", "abd"))
        #expect(!SecretToken.constantTimeEquals("abc", "abcd"))
    }
}
