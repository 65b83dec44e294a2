import Foundation

/// One member's activity as the people pass reads it: weeks of activity for engagement, the counts of the trust
/// ladder, and the facts the segments stand on.
public struct PersonActivity: Sendable {
    public let memberID: MemberID
    public var joinedAt: Date
    public var role: Role
    public var trust: TrustLevel
    public var trustLocked = false
    /// Since when a regular has been below the regular level's criteria (their grace period).
    public var trustBelowSince: Date?
    /// The level kept for the week before this one.
    public var previousLevel: EngagementLevel?
    /// By how many weeks ago (0: the last seven days).
    public var weeks: [Int: WeekActivity] = [:]
    public var trustActivity = TrustActivity()
    public var totalPosts = 0
    /// Posts in the last 30 days, and in the 90 days before those.
    public var recentPosts = 0
    public var earlierPosts = 0
    public var lastPostAt: Date?
    public var firstPostAt: Date?
    /// The topic of the member's first post, and of their latest question nobody answered.
    public var firstTopicID: TopicID?
    public var unansweredTopicID: TopicID?
    /// When someone else first answered the member's first post; nil: nobody has.
    public var firstPostAnsweredAt: Date?
    /// Questions they asked over two days ago, in the last 90 days, that nobody answered.
    public var unansweredQuestions = 0
    public var recentDaysVisited = 0
    /// A penalty standing now.
    public var penalty: (kind: Penalty.Kind, until: Date?)?
    /// Posts of theirs staff agreed were flagged rightly, in the last 90 days.
    public var flagsAgreed = 0

    public init(memberID: MemberID, joinedAt: Date, role: Role, trust: TrustLevel) {
        self.memberID = memberID
        self.joinedAt = joinedAt
        self.role = role
        self.trust = trust
    }
}

/// A topic started in the equity window, for the attention measures.
public struct TopicAttention: Sendable, Equatable {
    public let authorJoinedAt: Date
    public let createdAt: Date
    /// The first reply from someone other than its author.
    public let firstReplyAt: Date?
    public let isQuestion: Bool

    public init(authorJoinedAt: Date, createdAt: Date, firstReplyAt: Date?, isQuestion: Bool) {
        self.authorJoinedAt = authorJoinedAt
        self.createdAt = createdAt
        self.firstReplyAt = firstReplyAt
        self.isQuestion = isQuestion
    }
}

/// A member's place in a segment, as a pass writes it.
public struct SegmentRow: Sendable, Equatable {
    public let segment: PeopleSegment
    public let memberID: MemberID
    public let rank: Double
    public let reasons: [PersonReason]
    /// The topic the gesture is about, when there is one.
    public let topicID: TopicID?

    public init(
        segment: PeopleSegment, memberID: MemberID, rank: Double, reasons: [PersonReason], topicID: TopicID? = nil
    ) {
        self.topicID = topicID
        self.segment = segment
        self.memberID = memberID
        self.rank = rank
        self.reasons = reasons
    }
}

/// What one people pass found, written at once.
public struct PeoplePass: Sendable {
    public let week: ISOWeek
    public let at: Date
    /// The day's levels and trust changes, written by the first pass of the day (nil on the others).
    public let levels: [(MemberID, EngagementLevel, Double)]?
    /// Members whose trust level or grace period changed.
    public let trust: [(MemberID, TrustLevel, belowSince: Date?)]
    /// The community's day, when `levels` are written.
    public let day: CalendarDay
    public let segments: [SegmentRow]
    public let equity: AttentionEquity

    public init(
        week: ISOWeek, at: Date, day: CalendarDay, levels: [(MemberID, EngagementLevel, Double)]?,
        trust: [(MemberID, TrustLevel, belowSince: Date?)], segments: [SegmentRow], equity: AttentionEquity
    ) {
        self.day = day
        self.week = week
        self.at = at
        self.levels = levels
        self.trust = trust
        self.segments = segments
        self.equity = equity
    }
}

/// Where the people pass reads activity and keeps what it found.
public protocol PeopleRepository: Sendable {
    /// Every member's activity up to `date`: `weeks` weeks of it, and the trust ladder's counts over all time and
    /// over the last `recentDays` days. `previousWeek` is the week whose kept level is `previousLevel`.
    func activity(at date: Date, weeks: Int, recentDays: Int, previousWeek: ISOWeek) async throws -> [PersonActivity]
    /// Topics started since `date`, by members (staff left out).
    func topicsForAttention(since date: Date) async throws -> [TopicAttention]
    /// Staff replies since `date` in members' topics, counted per topic author, most first.
    func staffReplies(since date: Date) async throws -> [AttendedMember]
    /// Keeps the week's levels and the trust changes (when the pass has them, dropping the weeks older than a
    /// year), the segments (replacing the last pass's) and the equity.
    func save(_ pass: PeoplePass) async throws
    /// Claims the next pass for this process unless one was claimed after `threshold`; false: another process
    /// has it, or had it lately.
    func claimPass(at date: Date, unlessClaimedAfter threshold: Date) async throws -> Bool
    /// The community's day on which levels were last written.
    func levelsWrittenOn() async throws -> CalendarDay?
    func segment(_ segment: PeopleSegment, after cursor: PeopleCursor?, limit: Int) async throws -> PeoplePage
    func equity() async throws -> (AttentionEquity, Date)?
    /// A member's trust and level history, most recent week first (at most `weeks`).
    func standing(of memberID: MemberID, weeks: Int) async throws -> MemberStanding?
    /// Sets a member's trust level; `locked` keeps the pass from moving it.
    func setTrust(_ memberID: MemberID, to level: TrustLevel, locked: Bool) async throws
}
