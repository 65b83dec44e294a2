import Foundation

/// Failed attempts as stored, so that the counts survive a restart and hold across several `hearth serve`
/// processes sharing one database.
public protocol AttemptRepository: Sendable {
    func recordFailure(_ key: String, at date: Date) async throws
    /// How many failures `key` has had since `date`, and the oldest of them.
    func failures(_ key: String, since date: Date) async throws -> (count: Int, oldest: Date?)
    func clear(_ key: String) async throws
    /// Forgets failures older than `date`; returns how many.
    @discardableResult
    func purge(before date: Date) async throws -> Int
}

/// Counts failed attempts per key (an account, an address, a trusted device) in a sliding window and refuses
/// once a key has failed too often, so that guessing passwords is slow without locking a person out for good.
public struct AttemptLimiter: Sendable {
    public struct Rule: Sendable {
        public let maxFailures: Int
        public let window: TimeInterval

        public init(maxFailures: Int, window: TimeInterval) {
            self.maxFailures = maxFailures
            self.window = window
        }
    }

    public let rule: Rule
    private let attempts: any AttemptRepository
    private let now: Now

    public init(rule: Rule, attempts: any AttemptRepository, now: @escaping Now) {
        self.rule = rule
        self.attempts = attempts
        self.now = now
    }

    /// Seconds until `key` may try again, or nil when it may try now.
    public func retryAfter(_ key: String) async throws -> Int? {
        let current = now()
        let (count, oldest) = try await attempts.failures(key, since: current.addingTimeInterval(-rule.window))
        guard count >= rule.maxFailures, let oldest else { return nil }
        return max(1, Int((oldest.addingTimeInterval(rule.window).timeIntervalSince(current)).rounded(.up)))
    }

    public func recordFailure(_ key: String) async throws {
        try await attempts.recordFailure(key, at: now())
    }

    public func reset(_ key: String) async throws {
        try await attempts.clear(key)
    }
}
