import Foundation
import HearthCore
import Synchronization

/// Failed attempts kept in memory, for Core tests that need no database.
public final class InMemoryAttempts: AttemptRepository {
    private let failures = Mutex<[String: [Date]]>([:])

    public init() {}

    public func recordFailure(_ key: String, at date: Date) async throws {
        failures.withLock { $0[key, default: []].append(date) }
    }

    public func failures(_ key: String, since date: Date) async throws -> (count: Int, oldest: Date?) {
        let recent = failures.withLock { $0[key, default: []] }.filter { $0 > date }
        return (recent.count, recent.min())
    }

    public func clear(_ key: String) async throws {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    public func purge(before date: Date) async throws -> Int {
        failures.withLock { all in
            var removed = 0
            for (key, dates) in all {
                let kept = dates.filter { $0 > date }
                removed += dates.count - kept.count
                all[key] = kept.isEmpty ? nil : kept
            }
            return removed
        }
    }
}
