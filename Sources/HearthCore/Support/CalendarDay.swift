import Foundation

/// A day of the calendar without a time ("2026-12-03"); the instants it spans depend on the time zone it is read
/// in. A role's first and last days are such days, in the community's time zone.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Reads "YYYY-MM-DD"; nil when the text is not a date that exists (2026-02-30 is not).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        // A day past the month's end rolls over into the next month: it does not exist.
        let calendar = Self.calendar(.gmt)
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day
        else { return nil }
    }

    /// The refusal of a text that is not a day, for the field it was typed in.
    public static func invalid(_ field: String) -> HearthError {
        HearthError.invalid(field, "Write dates as YYYY-MM-DD, for example 2026-11-24.")
    }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let parts = Self.calendar(timeZone).dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-\(two(month))-\(two(day))"
    }

    /// Midnight at the start of the day in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        Self.calendar(timeZone).date(from: DateComponents(year: year, month: month, day: day)) ?? .distantPast
    }

    /// Midnight at the end of the day in `timeZone` (the next day's start).
    public func end(in timeZone: TimeZone) -> Date {
        let calendar = Self.calendar(timeZone)
        return calendar.date(byAdding: .day, value: 1, to: start(in: timeZone)) ?? .distantFuture
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
