import Foundation

/// Topic timers: close a topic for some hours, reopen it at a time, or close it once it has gone quiet. Whoever may
/// close the topic may set or end its timer; every setting, ending and firing goes to the moderation log.
public struct TopicTimers: Sendable {
    /// Closing for at most 30 days: longer is a closing, with a reopening timer if wanted.
    public static let hoursRange = 1...720
    /// Quiet for at most a year.
    public static let quietDaysRange = 1...365
    /// A reopening within a year, as a penalty's end.
    public static let furthest: TimeInterval = 366 * 86_400

    let forum: ForumService
    let timers: any TopicTimerRepository
    let policy: AccessPolicy
    let now: Now

    public init(forum: ForumService, timers: any TopicTimerRepository, policy: AccessPolicy, now: @escaping Now) {
        self.forum = forum
        self.timers = timers
        self.policy = policy
        self.now = now
    }

    /// Sets the topic's timer, replacing the one it had: `closeFor` closes the topic now.
    @discardableResult
    public func set(_ viewer: Viewer?, topic topicID: TopicID, _ setting: TopicTimer.Setting) async throws
        -> TopicTimer
    {
        let date = now()
        let topic = try await forum.visibleTopic(topicID, for: viewer)
        let roleName = try policy.authorize(
            viewer, .closeTopic, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try ModerationService.member(viewer)
        let timer: TopicTimer
        let reason: String
        switch setting {
        case .closeFor(let hours):
            guard Self.hoursRange.contains(hours) else {
                throw HearthError.invalid("hours", "A topic can be closed for 1 to 720 hours (30 days).")
            }
            timer = TopicTimer(
                topicID: topicID, action: .closeFor, at: date.addingTimeInterval(TimeInterval(hours) * 3_600))
            reason = "close for \(hours) h, then \(timer.summary)"
        case .openAt(let at):
            guard at > date, at.timeIntervalSince(date) <= Self.furthest else {
                throw HearthError.invalid("at", "The topic reopens at a time in the future, within a year.")
            }
            guard topic.isClosed else {
                throw HearthError.conflict("This topic is open: close it first, or close it for a number of hours.")
            }
            timer = TopicTimer(topicID: topicID, action: .openAt, at: at)
            reason = timer.summary
        case .closeAfterQuiet(let days):
            guard Self.quietDaysRange.contains(days) else {
                throw HearthError.invalid("days", "A topic can close after 1 to 365 days without replies.")
            }
            guard !topic.isClosed else { throw HearthError.conflict("This topic is already closed.") }
            // The quiet days count from now at the earliest: a topic silent for a month is not closed at once.
            timer = TopicTimer(
                topicID: topicID, action: .closeAfterQuiet, at: date.addingTimeInterval(TimeInterval(days) * 86_400),
                quietDays: days)
            reason = timer.summary
        }
        let closing = timer.action == .closeFor
        try await timers.setTimer(
            topicID, timer, closing: closing, job: try Self.job(timer, runAt: timer.at, origin: actor),
            jobKey: TopicTimer.jobKey(topicID),
            log: NewLogEntry(
                actorID: actor.id, action: "topic timer", target: .topic, targetID: topicID.rawValue, reason: reason,
                roleName: roleName),
            at: date)
        forum.changes.bump(topicID)
        return timer
    }

    /// Ends the topic's timer, leaving the topic open or closed as it is; nothing to do when it has none.
    public func cancel(_ viewer: Viewer?, topic topicID: TopicID) async throws {
        let date = now()
        let topic = try await forum.visibleTopic(topicID, for: viewer)
        let roleName = try policy.authorize(
            viewer, .closeTopic, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try ModerationService.member(viewer)
        guard let timer = topic.timer else { return }
        try await timers.setTimer(
            topicID, nil, closing: false, job: nil, jobKey: TopicTimer.jobKey(topicID),
            log: NewLogEntry(
                actorID: actor.id, action: "end topic timer", target: .topic, targetID: topicID.rawValue,
                reason: timer.summary, roleName: roleName),
            at: date)
        forum.changes.bump(topicID)
    }

    /// Carries out a timer whose job came due. Safe to run twice and on a stale job: a timer changed, ended or
    /// already carried out since the job was queued is no longer the topic's, and nothing happens. A topic that
    /// closes once quiet and had replies meanwhile gets its job again, for the last reply plus the quiet days.
    public func run(_ timer: TopicTimer) async throws {
        let date = now()
        guard let topic = try await forum.forum.topic(id: timer.topicID), topic.timer == timer else { return }
        let fired: Bool
        switch timer.action {
        case .closeFor, .openAt:
            fired = try await timers.fire(
                timer, close: false,
                log: NewLogEntry(
                    actorID: nil, action: "reopen (timer)", target: .topic, targetID: timer.topicID.rawValue,
                    reason: timer.summary),
                at: date)
        case .closeAfterQuiet:
            let due = timer.actsAt(lastPostedAt: topic.lastPostedAt)
            guard due <= date else {
                _ = try await timers.postpone(timer, job: try Self.job(timer, runAt: due, origin: nil), at: date)
                return
            }
            fired = try await timers.fire(
                timer, close: true,
                log: NewLogEntry(
                    actorID: nil, action: "close (timer)", target: .topic, targetID: timer.topicID.rawValue,
                    reason: timer.summary),
                at: date)
            // A reply landed between reading the topic and closing it: wait for the quiet days after it.
            if !fired, let again = try await forum.forum.topic(id: timer.topicID), again.timer == timer {
                let later = timer.actsAt(lastPostedAt: again.lastPostedAt)
                _ = try await timers.postpone(timer, job: try Self.job(timer, runAt: later, origin: nil), at: date)
            }
        }
        if fired { forum.changes.bump(timer.topicID) }
    }

    static func job(_ timer: TopicTimer, runAt: Date, origin: Member?) throws -> NewJob {
        try NewJob(
            kind: .topicTimer, timer, runAt: runAt, key: TopicTimer.jobKey(timer.topicID),
            origin: origin.map { "set by member \($0.id.rawValue)" })
    }
}
