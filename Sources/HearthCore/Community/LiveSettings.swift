import Foundation
import Logging
import Synchronization

/// Where the community's settings are stored: one text value a key, each change logged with who made it.
public protocol SettingsRepository: Sendable {
    func storedSettings() async throws -> [String: String]
    func saveSettings(_ values: [String: String], log: NewLogEntry, at date: Date) async throws
}

/// The settings every part of Hearth reads: the environment's defaults with the stored values over them. Read
/// synchronously where pages and the gate need them; reloaded at most every `lifetime` seconds (so a change made
/// by another process on the same database shows within that time) and at once after a change made here.
public final class LiveSettings: Sendable {
    public static let lifetime: TimeInterval = 5

    let defaults: CommunitySettings
    let store: (any SettingsRepository)?
    let logger: Logger
    private let state: Mutex<(settings: CommunitySettings, loadedAt: Date?)>

    public init(defaults: CommunitySettings, store: (any SettingsRepository)?, logger: Logger) {
        self.defaults = defaults
        self.store = store
        self.logger = logger
        state = Mutex((defaults, nil))
    }

    /// The settings as last loaded.
    public var current: CommunitySettings { state.withLock { $0.settings } }

    /// Reloads the stored settings when the copy here is older than `lifetime`. A database that cannot be
    /// read keeps the last settings: pages go on, and the next request tries again.
    public func refresh(at date: Date) async {
        let stale = state.withLock { state in
            guard let loadedAt = state.loadedAt else { return true }
            return date.timeIntervalSince(loadedAt) >= Self.lifetime || date < loadedAt
        }
        guard stale else { return }
        await reload(at: date)
    }

    /// Reloads the stored settings now.
    public func reload(at date: Date) async {
        guard let store else { return }
        do {
            let (settings, ignored) = defaults.overlaid(with: try await store.storedSettings())
            if !ignored.isEmpty {
                logger.warning(
                    "Stored settings that no longer read were left out", metadata: ["keys": "\(ignored)"])
            }
            state.withLock { $0 = (settings, date) }
        } catch {
            logger.warning(
                "The community's settings could not be read; the last ones stay",
                metadata: [
                    "reason": "\(String(reflecting: type(of: error)))"
                ])
        }
    }
}
