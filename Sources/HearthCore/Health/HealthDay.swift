import Foundation

/// One day's figures, rolled up by a job from the forum, the readings, the review queue and the moderation log, so
/// that no request counts them from the posts again. Days are UTC days ("days since 1970"), as visits are
/// counted. Waits are kept as lists of seconds, so that a range's percentiles are exact, not averages of averages.
public struct HealthDay: Sendable, Equatable, Codable {
    public var day: Int64
    /// Topics started that day (public ones).
    public var topics = 0
    /// Replies written that day.
    public var replies = 0
    /// Seconds from a topic to its first reply by someone else, for topics started that day by newcomers (members
    /// who joined less than 30 days before) and by everyone else.
    public var firstReplyNewcomers: [Int] = []
    public var firstReplyRegulars: [Int] = []
    /// Topics started that day that nobody else has answered yet.
    public var unanswered = 0
    /// Topics started that day whose first post the engine read as a question, and those answered.
    public var questions = 0
    public var questionsAnswered = 0
    /// Members who wrote that day, and members who came without writing.
    public var posters = 0
    public var readers = 0
    public var newMembers = 0
    /// Posts read by the engine that day, the sum of their sentiment (-1 to 1), and those read as toxic (≥ 0.5).
    public var readings = 0
    public var sentimentSum = 0.0
    public var toxic = 0
    /// Flags raised, posts held for approval, and review items opened that day; seconds to handle those handled.
    public var flags = 0
    public var held = 0
    public var reviewItems = 0
    public var handleSeconds: [Int] = []
    /// Acts written to the moderation log under each delegated role's name.
    public var delegateActs: [String: Int] = [:]
    /// Who wrote, and who came (wrote or visited), as sketches a range merges to count different people.
    public var postersSketch: DistinctSketch?
    public var activeSketch: DistinctSketch?

    public init(day: Int64) {
        self.day = day
    }

    /// The UTC day `date` falls on, as days since 1970.
    public static func number(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public static func start(_ day: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day) * 86_400)
    }
}

/// The rolled-up days, and the few counts that cannot be added day by day (distinct people over a range,
/// cohorts), read from tables the roll-up keeps.
public protocol HealthRepository: Sendable {
    /// Counts `day` from the forum and stores it, replacing an earlier count.
    func rollUp(day: Int64, at date: Date) async throws -> HealthDay
    /// The stored days in `days`, in order; days never rolled up are missing.
    func days(_ days: ClosedRange<Int64>) async throws -> [HealthDay]
    /// The first day with a post, and the days already rolled up with when they were counted.
    func firstPostDay() async throws -> Int64?
    func rolledUp(_ days: ClosedRange<Int64>) async throws -> [Int64: Date]
    /// Members who joined in `joined` (a range of instants), and how many of them came back or wrote in the week
    /// starting `afterWeeks` weeks after they joined.
    func cohort(joined: Range<Date>, afterWeeks: [Int]) async throws -> (size: Int, retained: [Int])
    /// Public topics started in `range` that nobody else has answered, oldest first.
    func unansweredTopics(_ range: Range<Date>, limit: Int) async throws -> [HealthTopic]
}

/// A topic named in the figures.
public struct HealthTopic: Sendable, Equatable, Codable {
    public let id: TopicID
    public let title: String
    public let startedAt: Date

    public init(id: TopicID, title: String, startedAt: Date) {
        self.id = id
        self.title = title
        self.startedAt = startedAt
    }
}
