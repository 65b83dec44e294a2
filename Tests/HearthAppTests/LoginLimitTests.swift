import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Log-in limits kept in the database: they hold across processes and restarts, never lock a person out of
/// their own browser because of someone else's guesses, and cover `/password`'s current-password check too.
@Suite("Log-in limits")
struct LoginLimitTests {
    static let password = "a long enough password"

    static func isRateLimited(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return false
        } catch HearthError.rateLimited {
            return true
        } catch {
            return false
        }
    }

    @Test(
        "failures counted by one process hold in another on the same database, and after a restart",
        arguments: TestEngine.allCases)
    func sharedAcrossProcesses(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let clock = TestClock()
        let first = try await HearthServices.forTesting(database: database, clock: clock)
        let second = try await HearthServices.forTesting(database: database, clock: clock)
        _ = try await first.accounts.signUp(
            try AccountForm(email: "jo@example.org", displayName: "Jo", password: Self.password), inviteToken: nil)
        for _ in 0..<5 {
            await #expect(throws: HearthError.self) {
                try await first.accounts.logIn(
                    email: "jo@example.org", password: "wrong guess", clientAddress: "1.1.1.1")
            }
        }
        let refused = await Self.isRateLimited {
            _ = try await second.accounts.logIn(
                email: "jo@example.org", password: Self.password, clientAddress: "2.2.2.2")
        }
        #expect(refused, "the second process sees the first one's failures")
        clock.advance(by: 901)
        _ = try await second.accounts.logIn(email: "jo@example.org", password: Self.password, clientAddress: "2.2.2.2")
        #expect(try await second.accounts.purgeOldAttempts() == 0, "failures within the longest window are kept")
        clock.advance(by: 3_600)
        #expect(
            try await second.accounts.purgeOldAttempts() == 5,
            "the address's old failures are swept (the account's were cleared by the log-in)")
        await database.close()
    }

    @Test(
        "guesses from one shared address do not lock out a member on a browser that logged in before",
        arguments: TestEngine.allCases)
    func trustedDevices(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let accounts = services.accounts
        let ana = try await accounts.signUp(
            try AccountForm(email: "ana@example.org", displayName: "Ana", password: Self.password), inviteToken: nil)
        _ = try await accounts.signUp(
            try AccountForm(email: "bo@example.org", displayName: "Bo", password: Self.password), inviteToken: nil)
        let anasBrowser = try await accounts.trustDevice(of: ana)

        // Someone at the school's one address tries 20 accounts, then Ana's own password 5 times.
        for index in 0..<20 {
            _ = try? await accounts.logIn(
                email: "x\(index)@example.org", password: "guess", clientAddress: "198.51.100.7")
        }
        for _ in 0..<5 {
            _ = try? await accounts.logIn(email: "ana@example.org", password: "guess", clientAddress: "203.0.113.1")
        }
        let boRefused = await Self.isRateLimited {
            _ = try await accounts.logIn(
                email: "bo@example.org", password: Self.password, clientAddress: "198.51.100.7")
        }
        #expect(boRefused, "a new browser behind the busy address waits")
        let anaRefused = await Self.isRateLimited {
            _ = try await accounts.logIn(
                email: "ana@example.org", password: Self.password, clientAddress: "203.0.113.1")
        }
        #expect(anaRefused, "after 5 wrong passwords, the account refuses unknown browsers, the right password too")

        let member = try await accounts.logIn(
            email: "ana@example.org", password: Self.password, clientAddress: "198.51.100.7", deviceToken: anasBrowser)
        #expect(member.id == ana.id, "Ana's own browser gets in, from the busy address, after the guesses")

        // The device token is Ana's: it does not help anyone else, and its own failures lock only itself.
        let borrowed = await Self.isRateLimited {
            _ = try await accounts.logIn(
                email: "bo@example.org", password: Self.password, clientAddress: "198.51.100.7",
                deviceToken: anasBrowser)
        }
        #expect(borrowed)
        for _ in 0..<5 {
            _ = try? await accounts.logIn(
                email: "ana@example.org", password: "typo", clientAddress: "198.51.100.7", deviceToken: anasBrowser)
        }
        let deviceLocked = await Self.isRateLimited {
            _ = try await accounts.logIn(
                email: "ana@example.org", password: Self.password, clientAddress: "198.51.100.7",
                deviceToken: anasBrowser)
        }
        #expect(deviceLocked)
        await database.close()
    }

    @Test("the current-password check of /password is limited like log-in", arguments: TestEngine.allCases)
    func passwordChange(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let ana = try await services.accounts.signUp(
            try AccountForm(email: "ana@example.org", displayName: "Ana", password: Self.password), inviteToken: nil)
        for _ in 0..<5 {
            await #expect(throws: HearthError.self) {
                try await services.accounts.changePassword(
                    of: ana, current: "guess", new: "a brand new password", keeping: nil)
            }
        }
        let refused = await Self.isRateLimited {
            try await services.accounts.changePassword(
                of: ana, current: Self.password, new: "a brand new password", keeping: nil)
        }
        #expect(refused, "the sixth try waits, even with the right password")
        await database.close()
    }
}
