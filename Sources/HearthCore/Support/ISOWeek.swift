import Foundation

/// A week as ISO 8601 numbers them ("2026-W49"): Monday to Sunday, the first week of a year being the one with its
/// first Thursday. The instants it spans depend on the time zone it is read in.
public struct ISOWeek: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    /// Reads "2026-W49"; nil unless the year has that week.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 3, parts[1].first == "W",
            let year = Int(parts[0]), let week = Int(parts[1].dropFirst()), week >= 1
        else { return nil }
        self.year = year
        self.week = week
        // A 53rd week exists only in some years: it must read back as itself.
        guard ISOWeek(containing: start(in: .gmt), in: .gmt) == self else { return nil }
    }

    /// The week `date` falls in, in `timeZone`.
    public init(containing date: Date, in timeZone: TimeZone) {
        let parts = Self.calendar(timeZone).dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        year = parts.yearForWeekOfYear ?? 1970
        week = parts.weekOfYear ?? 1
    }

    public var description: String {
        (week < 10 ? "\(year)-W0\(week)" : "\(year)-W\(week)")
    }

    /// Monday 00:00 in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        Self.calendar(timeZone).date(
            from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year)) ?? .distantPast
    }

    /// The next Monday 00:00 in `timeZone`.
    public func end(in timeZone: TimeZone) -> Date {
        Self.calendar(timeZone).date(byAdding: .day, value: 7, to: start(in: timeZone)) ?? .distantFuture
    }

    public var previous: ISOWeek {
        ISOWeek(containing: start(in: .gmt) - 3 * 86_400, in: .gmt)
    }

    public var next: ISOWeek {
        ISOWeek(containing: end(in: .gmt) + 3 * 86_400, in: .gmt)
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }
}
