import Foundation

/// Counts failed attempts per key (an account, an IP address) in a sliding window and refuses once a key
/// has failed too often, so that guessing passwords is slow without locking a person out for good.
///
/// Kept in memory: a restart forgets the counts, which costs an attacker at most one more window, and
/// avoids a database write on every failed log-in (the very load an attacker would create).
public actor AttemptLimiter {
    public struct Rule: Sendable {
        public let maxFailures: Int
        public let window: TimeInterval

        public init(maxFailures: Int, window: TimeInterval) {
            self.maxFailures = maxFailures
            self.window = window
        }
    }

    private let rule: Rule
    private let now: Now
    private var failures: [String: [Date]] = [:]
    /// Above this many tracked keys, expired entries are swept so that a flood of IPs cannot grow memory.
    private let sweepThreshold = 10_000

    public init(rule: Rule, now: @escaping Now) {
        self.rule = rule
        self.now = now
    }

    /// Seconds until `key` may try again, or nil when it may try now.
    public func retryAfter(_ key: String) -> Int? {
        let current = now()
        let recent = live(failures[key] ?? [], at: current)
        guard recent.count >= rule.maxFailures, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(rule.window).timeIntervalSince(current)).rounded(.up)))
    }

    public func recordFailure(_ key: String) {
        let current = now()
        failures[key] = live(failures[key] ?? [], at: current) + [current]
        if failures.count > sweepThreshold {
            failures = failures.compactMapValues { dates in
                let kept = live(dates, at: current)
                return kept.isEmpty ? nil : kept
            }
        }
    }

    public func reset(_ key: String) {
        failures[key] = nil
    }

    private func live(_ dates: [Date], at current: Date) -> [Date] {
        dates.filter { current.timeIntervalSince($0) < rule.window }
    }
}
