import Foundation

/// The community's health (`/health`, `GET /api/v1/health`, the weekly letter): replies, answers, activity,
/// retention, tone, moderation and delegates, each beside the period before. Staff and the team read it. The
/// figures come from days rolled up by `rollUp()`, which `hearth serve` runs every few minutes.
public struct HealthService: Sendable {
    /// Days counted again on every pass: a late first reply or a decision on an old flag still moves them.
    public static let recountDays: Int64 = 14

    let store: any HealthRepository
    let policy: AccessPolicy
    let now: Now

    public init(store: any HealthRepository, policy: AccessPolicy, now: @escaping Now) {
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// Today, as the dashboard's ranges count days.
    public var today: Int64 { HealthDay.number(now()) }

    /// The report for `days` beside the days before, for staff and the team.
    public func report(_ viewer: Viewer?, days: ClosedRange<Int64>) async throws -> HealthReport {
        try policy.authorize(viewer, .seeHealth, at: now())
        return try await report(days: days)
    }

    /// The report without asking who reads it: the letter's drafting, the command line.
    public func report(days: ClosedRange<Int64>) async throws -> HealthReport {
        let before = HealthRange.previous(days)
        // A day with nothing to count (before the first post) is a day of zeros, not a gap in the charts.
        let found = Dictionary(
            try await store.days(before.lowerBound...days.upperBound).map { ($0.day, $0) }, uniquingKeysWith: { $1 })
        let stored = (before.lowerBound...days.upperBound).map { found[$0] ?? HealthDay(day: $0) }
        let current = stored.filter { days.contains($0.day) }
        let earlier = stored.filter { before.contains($0.day) }
        let counted = try await store.rolledUp(days.upperBound...days.upperBound)
        return HealthReport(
            current: HealthFigures(days: current, range: days, people: Self.people(current)),
            previous: HealthFigures(days: earlier, range: before, people: Self.people(earlier)),
            daily: current.map(HealthReport.point), weekly: spans(weeks(in: days), current),
            monthly: spans(months(in: days), current), retention: try await cohorts(endingWith: days),
            unansweredTopics: try await store.unansweredTopics(
                HealthDay.start(days.lowerBound)..<HealthDay.start(days.upperBound + 1), limit: 20),
            countedAt: counted.values.first)
    }

    /// Counts the last two weeks again, and every older day not counted yet (the first pass after an import
    /// counts the community's whole past). Returns how many days were counted.
    @discardableResult
    public func rollUp() async throws -> Int {
        let today = self.today
        var due = Array((today - Self.recountDays + 1)...today)
        if let first = try await store.firstPostDay(), first < today - Self.recountDays + 1 {
            let older = first...(today - Self.recountDays)
            let counted = try await store.rolledUp(older)
            due += older.filter { counted[$0] == nil }
        }
        for day in due {
            _ = try await store.rollUp(day: day, at: now())
        }
        return due.count
    }

    /// Counts the days of `days` never counted, or counted before they were over: a letter about a week tells the
    /// whole week even when the server was off when it ended.
    public func ensureCounted(_ days: ClosedRange<Int64>) async throws {
        let counted = try await store.rolledUp(days)
        for day in days where counted[day].map({ $0 < HealthDay.start(day + 1) }) ?? true {
            _ = try await store.rollUp(day: day, at: now())
        }
    }

    /// Different members who wrote over `days`, and who came without writing: the days' sketches merged.
    static func people(_ days: [HealthDay]) -> (posters: Int, readers: Int) {
        var posters = DistinctSketch()
        var active = DistinctSketch()
        for day in days {
            if let sketch = day.postersSketch { posters.merge(sketch) }
            if let sketch = day.activeSketch { active.merge(sketch) }
        }
        let wrote = posters.estimate
        return (wrote, max(0, active.estimate - wrote))
    }

    private func spans(_ periods: [(label: String, days: ClosedRange<Int64>)], _ stored: [HealthDay])
        -> [HealthReport.Span]
    {
        periods.map { period in
            let people = Self.people(stored.filter { period.days.contains($0.day) })
            return HealthReport.Span(label: period.label, posters: people.posters, readers: people.readers)
        }
    }

    /// The ISO weeks `days` touches, each cut to the range.
    func weeks(in days: ClosedRange<Int64>) -> [(label: String, days: ClosedRange<Int64>)] {
        var result: [(String, ClosedRange<Int64>)] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            let week = ISOWeek(containing: HealthDay.start(day), in: .gmt)
            let end = min(HealthDay.number(week.end(in: .gmt)) - 1, days.upperBound)
            result.append((week.description, day...end))
            day = end + 1
        }
        return result
    }

    /// The calendar months `days` touches, each cut to the range.
    func months(in days: ClosedRange<Int64>) -> [(label: String, days: ClosedRange<Int64>)] {
        var result: [(String, ClosedRange<Int64>)] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            let start = CalendarDay(HealthDay.start(day), in: .gmt)
            let label = String(start.description.prefix(7))
            var end = day
            while end < days.upperBound, String(HealthRange.text(end + 1).prefix(7)) == label { end += 1 }
            result.append((label, day...end))
            day = end + 1
        }
        return result
    }

    /// The twelve weeks of arrivals up to the range's end (or the range's own weeks when it is longer), with who
    /// came back 4 and 12 weeks after joining, once that week is over.
    private func cohorts(endingWith days: ClosedRange<Int64>) async throws -> [HealthReport.Cohort] {
        let last = ISOWeek(containing: HealthDay.start(days.upperBound), in: .gmt)
        let count = max(12, min(26, Int((days.upperBound - days.lowerBound) / 7) + 1))
        var week = last
        var weeks: [ISOWeek] = []
        for _ in 0..<count {
            weeks.insert(week, at: 0)
            week = week.previous
        }
        let now = self.now()
        var cohorts: [HealthReport.Cohort] = []
        for week in weeks {
            let start = week.start(in: .gmt)
            let measured = [4, 12].filter { start.addingTimeInterval(Double(($0 + 2) * 7) * 86_400) <= now }
            let (size, retained) = try await store.cohort(joined: start..<week.end(in: .gmt), afterWeeks: measured)
            func after(_ weeks: Int) -> Int? { measured.firstIndex(of: weeks).map { retained[$0] } }
            cohorts.append(
                HealthReport.Cohort(
                    week: week.description, members: size, after4Weeks: after(4), after12Weeks: after(12)))
        }
        return cohorts
    }
}
