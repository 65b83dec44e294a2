import Foundation

/// What happened while the community manager was away, for the morning; and the log everyone may read.
public struct Overnight: Sendable {
    /// When the night began: the end of the last working day.
    public let since: Date
    /// Held, flagged and engine-flagged posts and flagged profiles that came in, open or already handled.
    public let items: [ReviewCase]
    /// Topics that heated up.
    public let heated: [HeatedTopic]
    /// What moderators and members with delegated powers did.
    public let delegateActs: [ModerationLogEntry]

    public init(since: Date, items: [ReviewCase], heated: [HeatedTopic], delegateActs: [ModerationLogEntry]) {
        self.since = since
        self.items = items
        self.heated = heated
        self.delegateActs = delegateActs
    }
}

public struct HeatedTopic: Sendable {
    public let topic: Topic
    public let heat: HeatState

    public init(topic: Topic, heat: HeatState) {
        self.topic = topic
        self.heat = heat
    }
}

/// One act of the public moderation log: what was done and why, without who did it or the texts.
public struct PublicLogEntry: Sendable, Equatable {
    public let id: Int64
    public let action: String
    public let target: ModerationLogEntry.Target
    public let reason: String
    public let createdAt: Date

    public init(id: Int64, action: String, target: ModerationLogEntry.Target, reason: String, createdAt: Date) {
        self.id = id
        self.action = action
        self.target = target
        self.reason = reason
        self.createdAt = createdAt
    }
}

extension ModerationService {
    static let overnightLimit = 200

    /// The morning view: what came in and what delegates did since the end of the last working day.
    public func overnight(_ viewer: Viewer?) async throws -> Overnight {
        let date = now()
        try policy.authorize(viewer, .handleFlags, at: date)
        let since = workingHours.lastEnd(before: date)
        let items = try await moderation.items(openedSince: since, limit: Self.overnightLimit)
            .filter { $0.kind != .heatedTopic }
        let heated = try await heat?.store.heatedTopics(since: since, limit: 50) ?? []
        let acts = try await moderation.logEntries(
            since: since, byRoleOtherThan: .communityManager, limit: Self.overnightLimit)
        return Overnight(
            since: since, items: try await reviewCases(viewer, items: items),
            heated: heated.map { HeatedTopic(topic: $0.0, heat: $0.1) }, delegateActs: acts)
    }

    /// A topic's heat when it is marked heated, for staff (nil otherwise, and for everyone else).
    public func heat(_ viewer: Viewer?, of topicID: TopicID) async throws -> HeatState? {
        let date = now()
        guard policy.decide(viewer, .handleFlags, at: date).isAllowed, let heat,
            let stored = try await heat.store.heat(of: topicID)
        else { return nil }
        let state = heat.rules.cooled(stored, at: date)
        return state.isHeated ? state : nil
    }

    /// The public moderation log, when the community publishes it: acts on posts, topics and members with their
    /// reasons; no names, no texts, no reporters' words, and not the watched words (which would teach how to dodge
    /// them).
    public func publicLog(before: Int64? = nil, limit: Int = 50) async throws -> [PublicLogEntry] {
        guard publicLog else { throw HearthError.notFound("This community does not publish its moderation log.") }
        let wanted = min(max(limit, 1), 100)
        var found: [PublicLogEntry] = []
        var cursor = before
        // Private entries are skipped, so a page may take a few reads to fill.
        for _ in 0..<5 where found.count < wanted {
            let entries = try await moderation.logEntries(before: cursor, limit: wanted, filter: LogFilter())
            found += entries.compactMap(Self.publicEntry)
            guard entries.count == wanted, let last = entries.last else { break }
            cursor = last.id
        }
        return Array(found.prefix(wanted))
    }

    static func publicEntry(_ entry: ModerationLogEntry) -> PublicLogEntry? {
        let hidden: Set<String> = [
            "defer", "claim", "resolve", "watch word", "unwatch word", "give role", "take back role",
        ]
        guard !hidden.contains(entry.action), entry.target != .watchedWord, entry.target != .role else { return nil }
        // The community's own acts list the reporters' and the engine's words: say only what happened.
        var reason = entry.reason
        if entry.actor == nil {
            reason =
                switch entry.action {
                case "hold": "held for approval"
                case "hide (flags)": "hidden by members' flags, pending review"
                default: ""
                }
        }
        return PublicLogEntry(
            id: entry.id, action: entry.action, target: entry.target, reason: reason, createdAt: entry.createdAt)
    }
}
