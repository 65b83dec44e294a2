import Foundation
import Logging

/// The people pass (engagement levels, the trust ladder, the segments and the equity of attention), and what staff
/// read of it.
public struct PeopleService: Sendable {
    let people: any PeopleRepository
    let members: any MemberRepository
    let policy: AccessPolicy
    let ladder: TrustLadder
    let model: EngagementModel
    let segmenter: Segmenter
    let timeZone: @Sendable () -> TimeZone
    let now: Now
    /// Days over which the equity of attention is measured.
    public static let equityDays = 90
    /// A pass younger than this is not run again.
    public static let passInterval: TimeInterval = 3_600
    /// The most members a segment keeps, the highest ranked: enough for any staff to go through, and a bound on
    /// what each pass writes.
    public static let segmentLimit = 5_000

    public init(
        people: any PeopleRepository, members: any MemberRepository, policy: AccessPolicy,
        ladder: TrustLadder = TrustLadder(), model: EngagementModel = EngagementModel(),
        segmenter: Segmenter = Segmenter(), timeZone: @escaping @Sendable () -> TimeZone, now: @escaping Now
    ) {
        self.people = people
        self.members = members
        self.policy = policy
        self.ladder = ladder
        self.model = model
        self.segmenter = segmenter
        self.timeZone = timeZone
        self.now = now
    }

    /// Runs the pass when no process claimed one in the last `passInterval` (or now, when `force`); returns
    /// whether it ran. Levels and the trust ladder are written by the first pass of each day (and a forced one):
    /// the nightly job; the segments and the equity by every pass.
    @discardableResult
    public func refresh(force: Bool = false) async throws -> Bool {
        let date = now()
        let threshold = force ? date : date.addingTimeInterval(-Self.passInterval)
        guard try await people.claimPass(at: date, unlessClaimedAfter: threshold) else { return false }
        let zone = timeZone()
        let day = CalendarDay(date, in: zone)
        let written = try await people.levelsWrittenOn()
        let nightly = force || written != day
        let week = ISOWeek(containing: date, in: zone)
        let previous = ISOWeek(containing: date.addingTimeInterval(-7 * 86_400), in: zone)
        let activities = try await people.activity(
            at: date, weeks: model.weeks, recentDays: ladder.windowDays, previousWeek: previous)
        // The nightly part: each member's level for the week, and their rung on the ladder.
        var levels: [(MemberID, EngagementLevel, Double)] = []
        var trust: [(MemberID, TrustLevel, belowSince: Date?)] = []
        if nightly {
            for activity in activities {
                let score = model.score(activity.weeks)
                // A member with nothing this week and no level kept last week stays absent: level 4, score 0.
                if score > 0 || activity.previousLevel != nil {
                    levels.append((activity.memberID, model.level(score), score))
                }
                guard !activity.trustLocked else { continue }
                let (level, below) = ladder.climb(
                    activity.trustActivity, from: activity.trust, belowSince: activity.trustBelowSince, at: date)
                if level != activity.trust || below != activity.trustBelowSince {
                    trust.append((activity.memberID, level, below))
                }
            }
        }
        let segments = activities.flatMap { segmenter.rows(for: $0, at: date) }
        let since = date.addingTimeInterval(-TimeInterval(Self.equityDays) * 86_400)
        let equity = AttentionEquity.measure(
            topics: try await people.topicsForAttention(since: since),
            staff: try await people.staffReplies(since: since), days: Self.equityDays,
            newcomerDays: InboxRules.newcomerDays)
        let kept = Dictionary(grouping: segments, by: \.segment).values.flatMap {
            $0.sorted { ($0.rank, $0.memberID.rawValue) > ($1.rank, $1.memberID.rawValue) }.prefix(Self.segmentLimit)
        }
        try await people.save(
            PeoplePass(
                week: week, at: date, day: day, levels: nightly ? levels : nil, trust: trust, segments: kept,
                equity: equity))
        return true
    }

    /// One page of a segment, for staff.
    public func page(
        _ segment: PeopleSegment, after cursor: PeopleCursor?, limit: Int = 25, viewer: Viewer?
    ) async throws -> PeoplePage {
        try policy.authorize(viewer, .seePeople, at: now())
        return try await people.segment(segment, after: cursor, limit: min(max(limit, 1), 100))
    }

    /// The equity of attention as the last pass measured it; nil before the first pass.
    public func attention(viewer: Viewer?) async throws -> (AttentionEquity, Date)? {
        try policy.authorize(viewer, .seePeople, at: now())
        return try await people.equity()
    }

    /// A member's trust and engagement, for staff; nil for anyone else, who may not see it.
    public func standing(of memberID: MemberID, viewer: Viewer?) async throws -> MemberStanding? {
        guard policy.decide(viewer, .seePeople, at: now()).isAllowed else { return nil }
        return try await people.standing(of: memberID, weeks: 12)
    }

    /// Sets and locks a member's trust level, or (`level` nil) unlocks it for the ladder to move again.
    public func setTrust(of memberID: MemberID, to level: TrustLevel?, viewer: Viewer?) async throws {
        try policy.authorize(viewer, .setTrustLevel, on: .member(memberID), at: now())
        guard let member = try await members.find(id: memberID) else {
            throw HearthError.notFound("There is no such member.")
        }
        try await people.setTrust(memberID, to: level ?? member.trust, locked: level != nil)
    }
}

extension AttentionEquity {
    /// Measures the equity of attention from the topics started in the window and the staff replies in it.
    public static func measure(
        topics: [TopicAttention], staff: [AttendedMember], days: Int, newcomerDays: Int
    ) -> AttentionEquity {
        func group(_ topics: [TopicAttention]) -> GroupAttention {
            let waits = topics.compactMap { topic in
                topic.firstReplyAt.map { Int($0.timeIntervalSince(topic.createdAt)) }
            }.sorted()
            let questions = topics.filter(\.isQuestion)
            return GroupAttention(
                topics: topics.count, firstReplyP50: percentile(waits, 0.5), firstReplyP90: percentile(waits, 0.9),
                questions: questions.count, questionsAnswered: questions.filter { $0.firstReplyAt != nil }.count)
        }
        let limit = TimeInterval(newcomerDays) * 86_400
        let byNewcomers = topics.filter { $0.createdAt.timeIntervalSince($0.authorJoinedAt) < limit }
        let byRegulars = topics.filter { $0.createdAt.timeIntervalSince($0.authorJoinedAt) >= limit }
        let replies = staff.reduce(0) { $0 + $1.replies }
        let fifth = max(1, (staff.count + 4) / 5)
        let topShare =
            replies == 0
            ? nil
            : Double(staff.sorted { $0.replies > $1.replies }.prefix(fifth).reduce(0) { $0 + $1.replies })
                / Double(replies)
        return AttentionEquity(
            days: days, newcomers: group(byNewcomers), regulars: group(byRegulars), staffReplies: replies,
            membersReached: staff.count, topFifthShare: topShare,
            mostAttended: Array(
                staff.sorted { ($0.replies, $1.memberID.rawValue) > ($1.replies, $0.memberID.rawValue) }.prefix(10)))
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Int], _ fraction: Double) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
