import Foundation
import HearthCore

/// A day typed in a form or a query as YYYY-MM-DD.
enum FormDay {
    /// The start of the day in the time zone; nil when there is no value, or an empty one from a form; refused, by
    /// field, when it is no day (an empty one too when `emptyIsNone` is false, as in a JSON API's query).
    static func start(_ value: String?, field: String, in zone: TimeZone = .gmt, emptyIsNone: Bool = true) throws
        -> Date?
    {
        guard let value, !(value.isEmpty && emptyIsNone) else { return nil }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]),
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.dateComponents([.year, .month, .day], from: date)
                == DateComponents(year: year, month: month, day: day)
        else {
            throw HearthError.invalid(field, "Write dates as YYYY-MM-DD, for example 2026-11-24.")
        }
        return date
    }

    /// The end of the day (the start of the next) in the time zone.
    static func end(_ value: String?, field: String, in zone: TimeZone = .gmt, emptyIsNone: Bool = true) throws
        -> Date?
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return try start(value, field: field, in: zone, emptyIsNone: emptyIsNone).flatMap {
            calendar.date(byAdding: .day, value: 1, to: $0)
        }
    }
}
