import Foundation
import HearthCore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Topic timers on both engines: set by a moderator, carried out by the job runner when the test clock passes
/// their time, and never by a job whose timer was changed or ended.
@Suite("Topic timers")
struct TopicTimerTests {
    static let hour: TimeInterval = 3_600
    static let day: TimeInterval = 86_400

    static func topic(_ community: ModerationTests.Community) async throws -> Topic {
        try await community.services.forum.topicPage(community.cm, topic: community.topic.id).topic
    }

    @Test("close_for closes the topic now and reopens it when its hours have passed", arguments: TestEngine.allCases)
    func closeFor(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let timer = try await services.timers.set(community.moderator, topic: community.topic.id, .closeFor(hours: 24))
        #expect(timer.action == .closeFor && timer.at == community.clock.now.addingTimeInterval(24 * Self.hour))
        let closed = try await Self.topic(community)
        #expect(closed.isClosed && closed.timer == timer)
        await #expect(throws: HearthError.self) {
            try await services.forum.reply(ana, to: community.topic.id, body: "Let me in")
        }

        community.clock.advance(by: 24 * Self.hour - 1)
        #expect(try await services.jobs.drain() == 0, "not before its time")
        #expect(try await Self.topic(community).isClosed)
        community.clock.advance(by: 1)
        #expect(try await services.jobs.drain() == 1)
        let reopened = try await Self.topic(community)
        #expect(!reopened.isClosed && reopened.timer == nil)
        _ = try await services.forum.reply(ana, to: community.topic.id, body: "Open again")
        #expect(try await services.jobs.drain() == 0, "done once")

        let log = try await services.moderation.log(community.cm)
        #expect(log.map(\.action).prefix(2) == ["reopen (timer)", "topic timer"])
        #expect(log.first?.actor == nil, "the timer acted, not a person")
        #expect(log[1].actor?.displayName == "Max")
        #expect(log[1].reason == "close for 24 h, then reopen \(AccessPolicy.moment(timer.at))")
    }

    @Test("open_at reopens a closed topic at its time, and only a closed one", arguments: TestEngine.allCases)
    func openAt(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let topic = community.topic.id
        let at = community.clock.now.addingTimeInterval(2 * Self.hour)
        await #expect(
            throws: HearthError.conflict("This topic is open: close it first, or close it for a number of hours.")
        ) {
            try await services.timers.set(community.moderator, topic: topic, .openAt(at))
        }
        try await services.forum.setClosed(community.moderator, topic: topic, true)
        try await services.timers.set(community.moderator, topic: topic, .openAt(at))
        community.clock.advance(by: Self.hour)
        #expect(try await services.jobs.drain() == 0)
        #expect(try await Self.topic(community).isClosed)
        community.clock.advance(by: Self.hour)
        #expect(try await services.jobs.drain() == 1)
        #expect(try await !Self.topic(community).isClosed)
        #expect(try await services.moderation.log(community.cm).first?.action == "reopen (timer)")
    }

    @Test(
        "close_after_quiet closes the topic after its quiet days; a reply in between pushes the closing back",
        arguments: TestEngine.allCases)
    func closeAfterQuiet(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let timer = try await services.timers.set(
            community.moderator, topic: community.topic.id, .closeAfterQuiet(days: 3))
        let open = try await Self.topic(community)
        #expect(timer.quietDays == 3 && !open.isClosed)

        community.clock.advance(by: 2 * Self.day)
        _ = try await services.forum.reply(ana, to: community.topic.id, body: "Still talking")
        community.clock.advance(by: Self.day)
        #expect(try await services.jobs.drain() == 1, "the job comes due, sees the reply and waits")
        let waiting = try await Self.topic(community)
        #expect(!waiting.isClosed && waiting.timer == timer)
        #expect(waiting.timer?.actsAt(lastPostedAt: waiting.lastPostedAt) == community.clock.now + 2 * Self.day)
        #expect(try await services.jobQueue.pendingCount() == 1)

        community.clock.advance(by: 2 * Self.day - 1)
        #expect(try await services.jobs.drain() == 0)
        community.clock.advance(by: 1)
        #expect(try await services.jobs.drain() == 1)
        let closed = try await Self.topic(community)
        #expect(closed.isClosed && closed.timer == nil)
        #expect(closed.closedAt == community.clock.now)
        let entry = try #require(try await services.moderation.log(community.cm).first)
        #expect(entry.action == "close (timer)" && entry.reason == "close after 3 days without replies")
        #expect(try await services.jobQueue.pendingCount() == 0)
    }

    @Test("a replaced or cancelled timer never fires, and a job run twice acts once", arguments: TestEngine.allCases)
    func staleJobs(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let topic = community.topic.id
        let first = try await services.timers.set(community.moderator, topic: topic, .closeFor(hours: 1))
        let second = try await services.timers.set(community.moderator, topic: topic, .closeFor(hours: 48))
        #expect(try await services.jobQueue.pendingCount() == 1, "one job per topic")
        community.clock.advance(by: Self.hour)
        #expect(try await services.jobs.drain() == 0, "the first timer's job was replaced")
        // A job for the first timer that slipped through (a process that claimed it before the change) does nothing.
        try await services.timers.run(first)
        #expect(try await Self.topic(community).isClosed)
        #expect(try await Self.topic(community).timer == second)

        try await services.timers.cancel(community.moderator, topic: topic)
        let cancelled = try await Self.topic(community)
        #expect(cancelled.timer == nil && cancelled.isClosed, "cancelling leaves the topic as it is")
        #expect(try await services.jobQueue.pendingCount() == 0)
        community.clock.advance(by: 48 * Self.hour)
        #expect(try await services.jobs.drain() == 0)
        try await services.timers.run(second)
        #expect(try await Self.topic(community).isClosed, "a cancelled timer's job does nothing")
        let log = try await services.moderation.log(community.cm)
        #expect(log.first?.action == "end topic timer" && log.first?.actor?.displayName == "Max")
        #expect(!log.contains { $0.action == "reopen (timer)" })

        let third = try await services.timers.set(community.moderator, topic: topic, .closeFor(hours: 1))
        community.clock.advance(by: Self.hour)
        try await services.timers.run(third)
        try await services.timers.run(third)
        #expect(try await services.jobs.drain() == 1, "the queued job finds the timer done")
        #expect(try await services.moderation.log(community.cm).filter { $0.action == "reopen (timer)" }.count == 1)

        // Closing or opening by hand ends the timer: a topic closed for good is not reopened by an old plan.
        _ = try await services.timers.set(community.moderator, topic: topic, .closeFor(hours: 2))
        try await services.forum.setClosed(community.moderator, topic: topic, false)
        try await services.forum.setClosed(community.moderator, topic: topic, true)
        #expect(try await Self.topic(community).timer == nil)
        community.clock.advance(by: 2 * Self.hour)
        _ = try await services.jobs.drain()
        #expect(try await Self.topic(community).isClosed, "the hand wins over the timer")
    }

    @Test(
        "values out of range are refused with their message; a member may neither set nor cancel a timer",
        arguments: TestEngine.allCases)
    func refusals(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let topic = community.topic.id
        let moderator = community.moderator
        let hours = HearthError.invalid("hours", "A topic can be closed for 1 to 720 hours (30 days).")
        for value in [0, 721, -3] {
            await #expect(throws: hours) {
                try await services.timers.set(moderator, topic: topic, .closeFor(hours: value))
            }
        }
        let days = HearthError.invalid("days", "A topic can close after 1 to 365 days without replies.")
        for value in [0, 366] {
            await #expect(throws: days) {
                try await services.timers.set(moderator, topic: topic, .closeAfterQuiet(days: value))
            }
        }
        let at = HearthError.invalid("at", "The topic reopens at a time in the future, within a year.")
        for offset in [-60, 367 * Self.day] {
            await #expect(throws: at) {
                try await services.timers.set(
                    moderator, topic: topic, .openAt(community.clock.now.addingTimeInterval(offset)))
            }
        }
        let ana = try await community.member("ana@example.org")
        await #expect(throws: HearthError.self) {
            try await services.timers.set(ana, topic: topic, .closeFor(hours: 2))
        }
        await #expect(throws: HearthError.self) {
            try await services.timers.set(nil, topic: topic, .closeFor(hours: 2))
        }
        try await services.timers.set(moderator, topic: topic, .closeAfterQuiet(days: 2))
        await #expect(throws: HearthError.self) { try await services.timers.cancel(ana, topic: topic) }
        #expect(try await Self.topic(community).timer?.quietDays == 2, "still set")

        try await services.forum.setClosed(moderator, topic: topic, true)
        await #expect(throws: HearthError.conflict("This topic is already closed.")) {
            try await services.timers.set(moderator, topic: topic, .closeAfterQuiet(days: 2))
        }
        #expect(
            try await services.moderation.log(community.cm).map(\.action) == ["topic timer"], "refusals log nothing")
    }
}
