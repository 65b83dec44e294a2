import Foundation
import Testing

@testable import HearthCore

@Suite("People rules: trust ladder, engagement, segments, equity")
struct PeopleRulesTests {
    static let day: TimeInterval = 86_400
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func activity(
        days: Int = 0, recentDays: Int = 0, read: Int = 0, replies: Int = 0, given: Int = 0, received: Int = 0,
        flags: Int = 0, penalised: Bool = false
    ) -> TrustActivity {
        var a = TrustActivity()
        a.daysVisited = days
        a.recentDaysVisited = recentDays
        a.postsRead = read
        a.replies = replies
        a.recentReplies = replies
        a.likesGiven = given
        a.recentLikesGiven = given
        a.likesReceived = received
        a.recentLikesReceived = received
        a.recentFlagsAgreed = flags
        a.recentlyPenalised = penalised
        return a
    }

    @Test("a member climbs new → basic → member → regular as Discourse's criteria are met, and never skips a rung")
    func climbing() {
        let ladder = TrustLadder()
        #expect(ladder.climb(activity(days: 1, read: 29), from: .new, belowSince: nil, at: now).level == .new)
        #expect(ladder.climb(activity(days: 1, read: 30), from: .new, belowSince: nil, at: now).level == .basic)
        let member = activity(days: 15, read: 100, replies: 3, given: 1, received: 1)
        #expect(ladder.climb(member, from: .new, belowSince: nil, at: now).level == .member)
        let regular = activity(
            days: 60, recentDays: 50, read: 500, replies: 10, given: 30, received: 20)
        #expect(ladder.climb(regular, from: .member, belowSince: nil, at: now).level == .regular)
        // Below basic's criteria (no posts read), nothing above counts.
        var unread = regular
        unread.postsRead = 0
        #expect(ladder.climb(unread, from: .new, belowSince: nil, at: now).level == .new)
        // Basic and member are kept once reached.
        #expect(ladder.climb(activity(), from: .member, belowSince: nil, at: now).level == .member)
    }

    @Test(
        "a regular below the criteria keeps the level for the grace period, then drops to member; a penalty or too many flags keep a member from regular"
    )
    func grace() {
        let ladder = TrustLadder(graceDays: 14)
        let quiet = activity(days: 60, recentDays: 10, read: 500, replies: 10, given: 30, received: 20)
        let first = ladder.climb(quiet, from: .regular, belowSince: nil, at: now)
        #expect(first.level == .regular && first.belowSince == now)
        let later = ladder.climb(quiet, from: .regular, belowSince: now, at: now.addingTimeInterval(13 * Self.day))
        #expect(later.level == .regular && later.belowSince == now)
        let dropped = ladder.climb(quiet, from: .regular, belowSince: now, at: now.addingTimeInterval(14 * Self.day))
        #expect(dropped.level == .member && dropped.belowSince == nil)
        // Back above the line, the grace period is forgotten.
        let back = activity(days: 60, recentDays: 50, read: 500, replies: 10, given: 30, received: 20)
        #expect(ladder.climb(back, from: .regular, belowSince: now, at: now) == (.regular, nil))
        let penalised = activity(
            days: 60, recentDays: 50, read: 500, replies: 10, given: 30, received: 20, penalised: true)
        #expect(ladder.climb(penalised, from: .member, belowSince: nil, at: now).level == .member)
        let flagged = activity(days: 60, recentDays: 50, read: 500, replies: 10, given: 30, received: 20, flags: 6)
        #expect(ladder.climb(flagged, from: .member, belowSince: nil, at: now).level == .member)
    }

    @Test("criteria are written name=number, read back as written, and a wrong one says which")
    func criteria() throws {
        let parsed = try TrustCriteria(parsing: "days=50, read=500 replies=10 given=30 received=20 flagged=5")
        #expect(parsed == TrustLadder().regular)
        #expect(try TrustCriteria(parsing: parsed.text) == parsed)
        #expect(throws: HearthError.self) { try TrustCriteria(parsing: "visits=3") }
        #expect(throws: HearthError.self) { try TrustCriteria(parsing: "days=-1") }
        #expect(throws: HearthError.self) { try TrustCriteria(parsing: "days") }
    }

    @Test("engagement weighs helping above being present, fades week by week, and levels go 4 → 1 as it grows")
    func engagement() {
        let model = EngagementModel()
        var helping = WeekActivity()
        helping.repliesToOthers = 4
        var present = WeekActivity()
        present.daysVisited = 4
        #expect(model.points(helping) == 12 && model.points(present) == 2)
        #expect(model.score([0: helping]) == 12)
        #expect(model.score([4: helping]) < 7 && model.score([4: helping]) > 6)
        // Older than the model's weeks: nothing.
        #expect(model.score([26: helping]) == 0)
        #expect(model.level(0) == .explorer)
        #expect(model.level(3) == .participant)
        #expect(model.level(12) == .contributor)
        #expect(model.level(40) == .advocate)
        #expect(LevelMove(from: .participant, to: .contributor) == .up)
        #expect(LevelMove(from: .contributor, to: .participant) == .down)
        #expect(LevelMove(from: .explorer, to: .explorer) == .held)
        #expect(LevelMove(from: nil, to: .explorer) == .new)
    }

    func person(joined daysAgo: Double, role: Role = .member) -> PersonActivity {
        PersonActivity(
            memberID: MemberID(7), joinedAt: now.addingTimeInterval(-daysAgo * Self.day), role: role, trust: .basic)
    }

    @Test(
        "the segments: a reader who never writes is shy, one who stopped is slipping, a helper is a power user (and not shy), staff are in none"
    )
    func segments() {
        let segmenter = Segmenter()
        var reader = person(joined: 200)
        reader.recentDaysVisited = 3
        #expect(segmenter.rows(for: reader, at: now).map(\.segment) == [.shy])
        reader.recentDaysVisited = 2
        #expect(segmenter.rows(for: reader, at: now).isEmpty)

        var stopped = person(joined: 200)
        stopped.earlierPosts = 5
        stopped.totalPosts = 5
        stopped.lastPostAt = now.addingTimeInterval(-40 * Self.day)
        #expect(segmenter.rows(for: stopped, at: now).map(\.segment) == [.slipping])
        stopped.recentPosts = 1
        #expect(segmenter.rows(for: stopped, at: now).isEmpty)

        var helper = person(joined: 200)
        var week = WeekActivity()
        week.repliesToOthers = 5
        helper.weeks = [2: week]
        helper.unansweredQuestions = 1
        let rows = segmenter.rows(for: helper, at: now)
        #expect(rows.map(\.segment) == [.power])
        #expect(rows.first?.reasons == [.repliesToOthers(5)])

        var once = person(joined: 200)
        once.totalPosts = 1
        once.firstPostAt = now.addingTimeInterval(-10 * Self.day)
        #expect(segmenter.rows(for: once, at: now).first?.reasons == [.postedOnce(once.firstPostAt!, answered: false)])

        var newcomer = person(joined: 3)
        newcomer.firstPostAt = now.addingTimeInterval(-2 * Self.day)
        newcomer.firstPostAnsweredAt = now.addingTimeInterval(-2 * Self.day + 600)
        #expect(
            segmenter.rows(for: newcomer, at: now).first?.reasons == [
                .joined(newcomer.joinedAt), .firstPostAnswered(seconds: 600),
            ])

        var staff = person(joined: 3, role: .moderator)
        staff.recentDaysVisited = 20
        #expect(segmenter.rows(for: staff, at: now).isEmpty)
    }

    @Test(
        "equity: p50 and p90 of first replies for newcomers and regulars, answered shares, and the top fifth's share of staff replies"
    )
    func equity() {
        let joinedLongAgo = now.addingTimeInterval(-100 * Self.day)
        let joinedLately = now.addingTimeInterval(-5 * Self.day)
        var topics: [TopicAttention] = (1...10).map { hour in
            TopicAttention(
                authorJoinedAt: joinedLongAgo, createdAt: now,
                firstReplyAt: now.addingTimeInterval(Double(hour) * 3_600),
                isQuestion: hour <= 4)
        }
        topics.append(TopicAttention(authorJoinedAt: joinedLately, createdAt: now, firstReplyAt: nil, isQuestion: true))
        topics.append(
            TopicAttention(
                authorJoinedAt: joinedLately, createdAt: now, firstReplyAt: now.addingTimeInterval(86_400),
                isQuestion: true))
        let staff = (1...10).map {
            AttendedMember(memberID: MemberID(Int64($0)), handle: "m\($0)", replies: $0 <= 2 ? 40 : 5)
        }
        let measured = AttentionEquity.measure(topics: topics, staff: staff, days: 90, newcomerDays: 30)
        #expect(measured.regulars.topics == 10)
        #expect(measured.regulars.firstReplyP50 == 5 * 3_600)
        #expect(measured.regulars.firstReplyP90 == 9 * 3_600)
        #expect(measured.regulars.answeredShare == 1)
        #expect(measured.newcomers.questions == 2 && measured.newcomers.questionsAnswered == 1)
        #expect(measured.newcomers.firstReplyP50 == 86_400)
        #expect(measured.staffReplies == 120 && measured.membersReached == 10)
        #expect(measured.topFifthShare == 80.0 / 120.0)
        #expect(measured.mostAttended.first?.handle == "m1")
    }

    @Test("a regular's or a member's flag counts more than a basic member's, as far as the ceiling")
    func flagWeights() {
        let weights = FlagWeights()
        func standing(_ trust: TrustLevel) -> ReporterStanding {
            ReporterStanding(accountAge: 30 * Self.day, posts: 10, agreed: 0, disagreed: 0, trust: trust)
        }
        #expect(weights.weight(staff: false, standing(.basic)) == 1)
        #expect(weights.weight(staff: false, standing(.member)) == 1.25)
        #expect(weights.weight(staff: false, standing(.regular)) == 1.5)
        var trusted = standing(.regular)
        trusted.agreed = 10
        #expect(weights.weight(staff: false, trusted) == 2)
    }
}
