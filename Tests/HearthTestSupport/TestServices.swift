import Foundation
import HearthApp
import HearthCore
import HearthStore
import Logging
import Synchronization

/// bcrypt at its lowest cost, so tests that create accounts stay fast; the production cost has its own test.
public let fastHasher = BcryptPasswordHasher(cost: 4)

/// A clock the test moves by hand.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public var function: Now { { self.now } }
}

/// Keeps every e-mail instead of sending it.
public final class RecordingMailTransport: MailTransport {
    private let sent = Mutex<[MailMessage]>([])
    private let failure = Mutex<HearthError?>(nil)

    public init() {}

    public func send(_ message: MailMessage) async throws {
        if let error = failure.withLock({ $0 }) { throw error }
        sent.withLock { $0.append(message) }
    }

    /// Makes every later sending fail with `error`, as a mail server that refuses would (nil: works again).
    public func failing(with error: HearthError?) {
        failure.withLock { $0 = error }
    }

    public var messages: [MailMessage] { sent.withLock { $0 } }
}

extension HearthServices {
    /// Services over a test database with a fast hasher, a recording mailer (nil: the configuration's mail server,
    /// `HEARTH_SMTP_URL`) and a test clock.
    public static func forTesting(
        database: HearthDatabase, clock: TestClock = TestClock(),
        mail: RecordingMailTransport? = RecordingMailTransport(),
        environment: [String: String] = [:]
    ) async throws -> HearthServices {
        let config = try await AppConfig.load(
            overrides: [:],
            environment: [
                "HEARTH_PUBLIC_URL": "http://hearth.test",
                // A fixed key, so that tests make no key file in the working folder.
                "HEARTH_SECRET_KEY": "dGVzdHMgb25seTogbm90IGEgc2VjcmV0IGF0IGFsbCE=",
            ].merging(environment) { $1 },
            envFile: nil)
        return try await HearthServices.assemble(
            config: config, database: database, logger: Logger(label: "test"), hasher: fastHasher, mailTransport: mail,
            now: clock.function)
    }
}
