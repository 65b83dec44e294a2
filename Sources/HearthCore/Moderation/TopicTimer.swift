import Foundation

/// A topic's timer: one per topic, as Discourse has. It closes a topic for some hours, reopens a closed topic at a
/// time, or closes a topic once no one has replied for some days. A job (`JobKind.topicTimer`, with the timer as
/// its payload) carries it out; a job whose timer is no longer the topic's does nothing.
public struct TopicTimer: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// The topic was closed when the timer was set and reopens at `at`.
        case closeFor = "close_for"
        /// A closed topic reopens at `at`.
        case openAt = "open_at"
        /// The topic closes once it has had no reply for `quietDays` days, and not before `at`.
        case closeAfterQuiet = "close_after_quiet"
    }

    /// What a moderator asks for.
    public enum Setting: Sendable, Equatable {
        case closeFor(hours: Int)
        case openAt(Date)
        case closeAfterQuiet(days: Int)
    }

    public let topicID: TopicID
    public let action: Action
    /// When the timer acts: the reopening; for `closeAfterQuiet`, the earliest closing (when it was set, plus the
    /// quiet days), which replies push back. Kept to the millisecond, as stored, so that the copy in a job's
    /// payload and the one on the topic compare equal.
    public let at: Date
    /// For `closeAfterQuiet` only.
    public let quietDays: Int?

    public init(topicID: TopicID, action: Action, at: Date, quietDays: Int? = nil) {
        self.topicID = topicID
        self.action = action
        self.at = Date(millisecondsSince1970: at.millisecondsSince1970)
        self.quietDays = action == .closeAfterQuiet ? quietDays : nil
    }

    /// When the timer acts, as things stand: for `closeAfterQuiet`, the quiet days after the last reply (and not
    /// before `at`); `at` for the others.
    public func actsAt(lastPostedAt: Date) -> Date {
        guard action == .closeAfterQuiet, let days = quietDays else { return at }
        return max(at, lastPostedAt.addingTimeInterval(TimeInterval(days) * 86_400))
    }

    /// Whether it has something left to do to a topic that is closed or not: the reopening timers on a closed
    /// topic, the closing one on an open topic (a moderator may have closed or opened it by hand since).
    public func isLive(closed: Bool) -> Bool {
        action == .closeAfterQuiet ? !closed : closed
    }

    /// The key of the timer's job: at most one pending per topic, so that setting a timer again replaces it.
    public static func jobKey(_ topicID: TopicID) -> String {
        "topic-timer:\(topicID.rawValue)"
    }

    /// For the moderation log, in English like the rest of it: "reopen 2026-12-03 09:00 UTC".
    public var summary: String {
        switch action {
        case .closeFor, .openAt: "reopen \(AccessPolicy.moment(at))"
        case .closeAfterQuiet: "close after \(quietDays ?? 0) days without replies"
        }
    }

    // The payload keeps `at` in milliseconds, as the database does: Foundation's default (seconds since 2001, a
    // Double) does not always come back to the same millisecond.
    private enum CodingKeys: String, CodingKey {
        case topicID = "topic_id"
        case action
        case atMilliseconds = "at_ms"
        case quietDays = "quiet_days"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            topicID: try container.decode(TopicID.self, forKey: .topicID),
            action: try container.decode(Action.self, forKey: .action),
            at: Date(millisecondsSince1970: try container.decode(Int64.self, forKey: .atMilliseconds)),
            quietDays: try container.decodeIfPresent(Int.self, forKey: .quietDays))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(topicID, forKey: .topicID)
        try container.encode(action, forKey: .action)
        try container.encode(at.millisecondsSince1970, forKey: .atMilliseconds)
        try container.encodeIfPresent(quietDays, forKey: .quietDays)
    }
}

/// Topic timers as stored, on the topic's row. Each change happens in one transaction with its job and its log
/// line, so a timer and its job never disagree for long: at worst a job finds its timer gone and does nothing.
public protocol TopicTimerRepository: Sendable {
    /// Sets the topic's timer (closing the topic now when `closing`), or ends it (`timer` nil), in one transaction
    /// with its job (`job` queued under its key, replacing the pending one; or, with nil, the one under `jobKey`
    /// cancelled) and the log line.
    func setTimer(
        _ topicID: TopicID, _ timer: TopicTimer?, closing: Bool, job: NewJob?, jobKey: String, log: NewLogEntry,
        at date: Date) async throws
    /// Carries the timer out if it is still the topic's: closes the topic (`close`, keeping an earlier closing
    /// date) or reopens it, ends the timer and writes the log line, in one transaction. False, with nothing
    /// changed, when the topic has another timer or none (a stale job).
    func fire(_ timer: TopicTimer, close: Bool, log: NewLogEntry, at date: Date) async throws -> Bool
    /// Queues the timer's job again for later (replies came), if the timer is still the topic's; false otherwise.
    func postpone(_ timer: TopicTimer, job: NewJob, at date: Date) async throws -> Bool
}
