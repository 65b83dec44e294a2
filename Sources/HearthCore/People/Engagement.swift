import Foundation

/// How engaged a member is, after the Orbit model: level 1 (advocates) is the most engaged, 4 (explorers) the
/// least. Presence and commitment are both counted, each kind of activity with its weight, and old activity
/// fades week by week.
public enum EngagementLevel: Int, Sendable, Codable, CaseIterable, Comparable {
    case advocate = 1
    case contributor = 2
    case participant = 3
    case explorer = 4

    /// Lower numbers are higher levels: advocate > explorer.
    public static func < (lhs: EngagementLevel, rhs: EngagementLevel) -> Bool { lhs.rawValue > rhs.rawValue }
}

/// Where a member's level went since the week before.
public enum LevelMove: String, Sendable, Codable {
    case up
    case held
    case down
    /// No level was kept for the week before.
    case new

    public init(from previous: EngagementLevel?, to current: EngagementLevel) {
        guard let previous else {
            self = .new
            return
        }
        self = current > previous ? .up : current < previous ? .down : .held
    }
}

/// One week of a member's activity, counted by kind.
public struct WeekActivity: Sendable, Equatable {
    public var topicsStarted = 0
    public var repliesToOthers = 0
    /// Replies in their own topics.
    public var otherReplies = 0
    public var reactionsReceived = 0
    public var thanksReceived = 0
    public var reactionsGiven = 0
    public var daysVisited = 0

    public init() {}
}

/// The weights and thresholds of engagement. Helping others weighs most, being present least; a week's points
/// count `fade`ⁿ after n weeks (0.85: half after four weeks), over `weeks` weeks.
public struct EngagementModel: Sendable {
    public var topicStarted = 3.0
    public var replyToOthers = 3.0
    public var otherReply = 1.0
    public var reactionReceived = 1.0
    public var thanksReceived = 2.0
    public var reactionGiven = 0.5
    public var dayVisited = 0.5
    public var fade = 0.85
    public var weeks = 26
    /// The least score for levels 1, 2 and 3; below the last, level 4.
    public var thresholds: (advocate: Double, contributor: Double, participant: Double) = (40, 12, 3)

    public init() {}

    /// One week's points, before fading.
    public func points(_ week: WeekActivity) -> Double {
        Double(week.topicsStarted) * topicStarted + Double(week.repliesToOthers) * replyToOthers
            + Double(week.otherReplies) * otherReply + Double(week.reactionsReceived) * reactionReceived
            + Double(week.thanksReceived) * thanksReceived + Double(week.reactionsGiven) * reactionGiven
            + Double(week.daysVisited) * dayVisited
    }

    /// The score of weeks given by how many weeks ago they were (0: this week).
    public func score(_ weeks: [Int: WeekActivity]) -> Double {
        let total = weeks.reduce(0.0) { sum, entry in
            entry.key < 0 || entry.key >= self.weeks ? sum : sum + points(entry.value) * pow(fade, Double(entry.key))
        }
        return (total * 10).rounded() / 10
    }

    public func level(_ score: Double) -> EngagementLevel {
        score >= thresholds.advocate
            ? .advocate
            : score >= thresholds.contributor
                ? .contributor : score >= thresholds.participant ? .participant : .explorer
    }
}

/// A member's level in one ISO week, as the job kept it.
public struct LevelRecord: Sendable, Equatable {
    public let week: ISOWeek
    public let level: EngagementLevel
    public let score: Double

    public init(week: ISOWeek, level: EngagementLevel, score: Double) {
        self.week = week
        self.level = level
        self.score = score
    }
}
