import Foundation

/// A wait's middle and its slow end, in seconds; nil when nothing was measured.
public struct Percentiles: Sendable, Equatable, Codable {
    public let count: Int
    public let p50: Int?
    public let p90: Int?

    /// Nearest-rank percentiles of `seconds`.
    public init(_ seconds: [Int]) {
        let sorted = seconds.sorted()
        count = sorted.count
        func rank(_ share: Double) -> Int? {
            sorted.isEmpty ? nil : sorted[max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)]
        }
        p50 = rank(0.5)
        p90 = rank(0.9)
    }
}

/// The health figures of one period. No follower, fan or page-view count: what is counted is whether people are
/// answered, come back, and speak kindly.
public struct HealthFigures: Sendable, Equatable, Codable {
    public struct Replies: Sendable, Equatable, Codable {
        public let overall: Percentiles
        public let newcomers: Percentiles
        public let regulars: Percentiles
    }

    public struct Answers: Sendable, Equatable, Codable {
        public let topics: Int
        public let unanswered: Int
        public let questions: Int
        public let questionsAnswered: Int
        /// Questions answered over questions asked; nil without questions.
        public let answeredShare: Double?
    }

    public struct Activity: Sendable, Equatable, Codable {
        /// Distinct members who wrote, and who came without writing, over the whole period.
        public let posters: Int
        public let readers: Int
        public let newMembers: Int
        public let replies: Int
    }

    public struct Tone: Sendable, Equatable, Codable {
        public let readings: Int
        /// Mean sentiment, -1 (negative) to 1 (positive); nil without readings.
        public let sentiment: Double?
        /// Share of posts read as toxic; nil without readings.
        public let toxicShare: Double?
    }

    public struct Moderation: Sendable, Equatable, Codable {
        public let flags: Int
        public let held: Int
        public let reviewItems: Int
        /// Seconds from an item entering the review queue to its decision.
        public let handled: Percentiles
    }

    public struct DelegateActs: Sendable, Equatable, Codable {
        public let role: String
        public let acts: Int
    }

    public let from: String
    public let to: String
    public let replies: Replies
    public let answers: Answers
    public let activity: Activity
    public let tone: Tone
    public let moderation: Moderation
    public let delegates: [DelegateActs]

    /// Adds up `days`; `people` are the distinct members over the period, which days cannot add.
    public init(days: [HealthDay], range: ClosedRange<Int64>, people: (posters: Int, readers: Int)) {
        from = HealthRange.text(range.lowerBound)
        to = HealthRange.text(range.upperBound)
        func sum(_ value: (HealthDay) -> Int) -> Int { days.reduce(0) { $0 + value($1) } }
        let newcomers = days.flatMap(\.firstReplyNewcomers)
        let regulars = days.flatMap(\.firstReplyRegulars)
        replies = Replies(
            overall: Percentiles(newcomers + regulars), newcomers: Percentiles(newcomers),
            regulars: Percentiles(regulars))
        let questions = sum(\.questions)
        let answered = sum(\.questionsAnswered)
        answers = Answers(
            topics: sum(\.topics), unanswered: sum(\.unanswered), questions: questions, questionsAnswered: answered,
            answeredShare: questions == 0 ? nil : Double(answered) / Double(questions))
        activity = Activity(
            posters: people.posters, readers: people.readers, newMembers: sum(\.newMembers), replies: sum(\.replies))
        let readings = sum(\.readings)
        tone = Tone(
            readings: readings,
            sentiment: readings == 0 ? nil : days.reduce(0) { $0 + $1.sentimentSum } / Double(readings),
            toxicShare: readings == 0 ? nil : Double(sum(\.toxic)) / Double(readings))
        moderation = Moderation(
            flags: sum(\.flags), held: sum(\.held), reviewItems: sum(\.reviewItems),
            handled: Percentiles(days.flatMap(\.handleSeconds)))
        var acts: [String: Int] = [:]
        for day in days { acts.merge(day.delegateActs, uniquingKeysWith: +) }
        delegates = acts.map { DelegateActs(role: $0.key, acts: $0.value) }.sorted {
            ($0.acts, $1.role) > ($1.acts, $0.role)
        }
    }
}

/// The dashboard: a period's figures beside the period before, the series its charts draw, the cohorts, and the
/// topics still waiting for an answer.
public struct HealthReport: Sendable, Equatable, Codable {
    /// One day of the charts.
    public struct Point: Sendable, Equatable, Codable {
        public let date: String
        public let topics: Int
        public let replies: Int
        public let posters: Int
        public let readers: Int
        public let sentiment: Double?
        public let toxicShare: Double?
        public let flags: Int
        public let held: Int
    }

    /// Distinct people over a week or a month.
    public struct Span: Sendable, Equatable, Codable {
        public let label: String
        public let posters: Int
        public let readers: Int
    }

    /// Members who joined in a week, and how many came back 4 and 12 weeks later (nil until that week is over).
    public struct Cohort: Sendable, Equatable, Codable {
        public let week: String
        public let members: Int
        public let after4Weeks: Int?
        public let after12Weeks: Int?
    }

    public let current: HealthFigures
    public let previous: HealthFigures
    public let daily: [Point]
    public let weekly: [Span]
    public let monthly: [Span]
    public let retention: [Cohort]
    public let unansweredTopics: [HealthTopic]
    /// When the newest day in the period was last counted; nil when none was.
    public let countedAt: Date?

    public init(
        current: HealthFigures, previous: HealthFigures, daily: [Point], weekly: [Span], monthly: [Span],
        retention: [Cohort], unansweredTopics: [HealthTopic], countedAt: Date?
    ) {
        self.current = current
        self.previous = previous
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
        self.retention = retention
        self.unansweredTopics = unansweredTopics
        self.countedAt = countedAt
    }

    static func point(_ day: HealthDay) -> Point {
        Point(
            date: HealthRange.text(day.day), topics: day.topics, replies: day.replies, posters: day.posters,
            readers: day.readers,
            sentiment: day.readings == 0 ? nil : day.sentimentSum / Double(day.readings),
            toxicShare: day.readings == 0 ? nil : Double(day.toxic) / Double(day.readings), flags: day.flags,
            held: day.held)
    }
}

/// The periods the dashboard shows: the last week, month or quarter up to today, or chosen dates (UTC days).
public enum HealthRange {
    public static let longest = 366

    /// Reads `range` (week, month, quarter) or `from` and `to` (YYYY-MM-DD); the default is the last week.
    public static func parse(range: String?, from: String?, to: String?, today: Int64) throws -> ClosedRange<Int64> {
        if from != nil || to != nil {
            guard let fromText = from, let start = day(fromText) else {
                throw HearthError.invalid("from", "Give the first day as YYYY-MM-DD, such as 2026-11-02.")
            }
            guard let toText = to, let end = day(toText) else {
                throw HearthError.invalid("to", "Give the last day as YYYY-MM-DD, such as 2026-11-29.")
            }
            guard start <= end else {
                throw HearthError.invalid("from", "The first day comes after the last one.")
            }
            guard end - start < Int64(longest) else {
                throw HearthError.invalid("to", "Choose at most \(longest) days at once.")
            }
            guard start <= today else {
                throw HearthError.invalid("from", "That period has not begun yet.")
            }
            return start...min(end, today)
        }
        let length: Int64
        switch range ?? "week" {
        case "week": length = 7
        case "month": length = 30
        case "quarter": length = 91
        default: throw HearthError.invalid("range", "Choose week, month or quarter, or give from and to.")
        }
        return (today - length + 1)...today
    }

    /// The same number of days just before `range`.
    public static func previous(_ range: ClosedRange<Int64>) -> ClosedRange<Int64> {
        let length = range.upperBound - range.lowerBound + 1
        return (range.lowerBound - length)...(range.lowerBound - 1)
    }

    public static func day(_ text: String) -> Int64? {
        CalendarDay(text).map { HealthDay.number($0.start(in: .gmt)) }
    }

    public static func text(_ day: Int64) -> String {
        CalendarDay(HealthDay.start(day), in: .gmt).description
    }
}
