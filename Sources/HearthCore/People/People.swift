import Foundation

/// The groups of members `/people` shows, each with why a member is in it and what the community manager might do.
public enum PeopleSegment: String, Sendable, Codable, CaseIterable {
    /// Those who help most.
    case power
    /// Joined in the last 30 days.
    case newcomers
    /// Come back and read but rarely speak, spoke once and heard nothing back, or asked and were not answered.
    case shy
    /// Were active, silent for 30 days.
    case slipping
    /// Under a penalty, or often flagged rightly.
    case penalised

    /// What the community manager might do for a member in this group.
    public var gesture: Gesture {
        switch self {
        case .power: .thankOrOfferRole
        case .newcomers: .welcome
        case .shy: .inviteToSpeak
        case .slipping: .checkIn
        case .penalised: .review
        }
    }
}

/// A suggested gesture towards a member.
public enum Gesture: String, Sendable, Codable {
    case thankOrOfferRole = "thank_or_offer_role"
    case welcome
    case inviteToSpeak = "invite_to_speak"
    case checkIn = "check_in"
    case review
}

/// Why a member is in a segment, with the figures behind it.
public enum PersonReason: Sendable, Equatable, Codable {
    case repliesToOthers(Int)
    case thanksReceived(Int)
    case reactionsReceived(Int)
    case joined(Date)
    case firstPostAnswered(seconds: Int)
    case firstPostUnanswered
    case noPostYet
    case readsWithoutPosting(daysVisited: Int, postsRead: Int)
    case postedOnce(Date, answered: Bool)
    case unansweredQuestions(Int)
    case silentSince(Date, postsBefore: Int)
    case penalty(Penalty.Kind, until: Date?)
    case flaggedRightly(Int)

    /// The reason's name in the API.
    public var code: String {
        switch self {
        case .repliesToOthers: "repliesToOthers"
        case .thanksReceived: "thanksReceived"
        case .reactionsReceived: "reactionsReceived"
        case .joined: "joined"
        case .firstPostAnswered: "firstPostAnswered"
        case .firstPostUnanswered: "firstPostUnanswered"
        case .noPostYet: "noPostYet"
        case .readsWithoutPosting: "readsWithoutPosting"
        case .postedOnce: "postedOnce"
        case .unansweredQuestions: "unansweredQuestions"
        case .silentSince: "silentSince"
        case .penalty: "penalty"
        case .flaggedRightly: "flaggedRightly"
        }
    }
}

/// A member in a segment.
public struct PersonEntry: Sendable, Equatable {
    public let member: MemberSummary
    public let joinedAt: Date
    public let reasons: [PersonReason]
    public let level: EngagementLevel
    public let trust: TrustLevel
    /// Where the entry stands in its segment, for the next page's cursor.
    public let rank: Double
    /// The topic the gesture is about (a newcomer's first, a shy member's unanswered question), when there is one.
    public let topicID: TopicID?

    public init(
        member: MemberSummary, joinedAt: Date, reasons: [PersonReason], level: EngagementLevel, trust: TrustLevel,
        rank: Double, topicID: TopicID? = nil
    ) {
        self.topicID = topicID
        self.member = member
        self.joinedAt = joinedAt
        self.reasons = reasons
        self.level = level
        self.trust = trust
        self.rank = rank
    }
}

/// Where a list of people continues: after the entry with this rank and member.
public struct PeopleCursor: Sendable, Equatable {
    public let rank: Double
    public let memberID: MemberID

    public init(rank: Double, memberID: MemberID) {
        self.rank = rank
        self.memberID = memberID
    }

    /// "12.5_42".
    public init?(_ text: String) {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let rank = Double(parts[0]), rank.isFinite, let id = Int64(parts[1]) else {
            return nil
        }
        self.init(rank: rank, memberID: MemberID(id))
    }

    public var text: String { "\(rank)_\(memberID.rawValue)" }
}

/// One page of a segment, as of the people pass that computed it.
public struct PeoplePage: Sendable, Equatable {
    public let segment: PeopleSegment
    public let entries: [PersonEntry]
    public let next: PeopleCursor?
    public let computedAt: Date?

    public init(segment: PeopleSegment, entries: [PersonEntry], next: PeopleCursor?, computedAt: Date?) {
        self.segment = segment
        self.entries = entries
        self.next = next
        self.computedAt = computedAt
    }
}

/// How fast and how often one group of members is answered.
public struct GroupAttention: Sendable, Equatable, Codable {
    /// Topics they started in the window.
    public var topics: Int
    /// Seconds to the first reply from someone else, among the topics that had one.
    public var firstReplyP50: Int?
    public var firstReplyP90: Int?
    public var questions: Int
    public var questionsAnswered: Int

    public init(topics: Int, firstReplyP50: Int?, firstReplyP90: Int?, questions: Int, questionsAnswered: Int) {
        self.topics = topics
        self.firstReplyP50 = firstReplyP50
        self.firstReplyP90 = firstReplyP90
        self.questions = questions
        self.questionsAnswered = questionsAnswered
    }

    /// The share of questions answered, 0 … 1; nil without questions.
    public var answeredShare: Double? {
        questions == 0 ? nil : Double(questionsAnswered) / Double(questions)
    }
}

/// Whether newcomers get the attention regulars get, and how staff replies spread across members, over the last
/// `days` days.
public struct AttentionEquity: Sendable, Equatable, Codable {
    public var days: Int
    public var newcomers: GroupAttention
    public var regulars: GroupAttention
    /// Staff replies in the window, and the members whose topics they went to.
    public var staffReplies: Int
    public var membersReached: Int
    /// The share of staff replies that went to the fifth of members who got the most (0 … 1).
    public var topFifthShare: Double?
    /// The members who got the most staff replies, most first.
    public var mostAttended: [AttendedMember]

    public init(
        days: Int, newcomers: GroupAttention, regulars: GroupAttention, staffReplies: Int, membersReached: Int,
        topFifthShare: Double?, mostAttended: [AttendedMember]
    ) {
        self.days = days
        self.newcomers = newcomers
        self.regulars = regulars
        self.staffReplies = staffReplies
        self.membersReached = membersReached
        self.topFifthShare = topFifthShare
        self.mostAttended = mostAttended
    }
}

public struct AttendedMember: Sendable, Equatable, Codable {
    public let memberID: MemberID
    public let handle: String
    public let replies: Int

    public init(memberID: MemberID, handle: String, replies: Int) {
        self.memberID = memberID
        self.handle = handle
        self.replies = replies
    }
}

/// What staff see about one member's standing: their trust and engagement, week by week.
public struct MemberStanding: Sendable, Equatable {
    public let trust: TrustLevel
    public let trustLocked: Bool
    public let level: EngagementLevel?
    public let move: LevelMove?
    /// Most recent first.
    public let history: [LevelRecord]

    public init(
        trust: TrustLevel, trustLocked: Bool, level: EngagementLevel?, move: LevelMove?, history: [LevelRecord]
    ) {
        self.trust = trust
        self.trustLocked = trustLocked
        self.level = level
        self.move = move
        self.history = history
    }
}
