import Foundation
import Synchronization

/// When the community manager works, in the community's time zone: "defer to tomorrow" wakes an item at the
/// start of the next working day, and the night is whatever lies outside.
public struct WorkingHours: Sendable, Equatable {
    /// Working weekdays, as `Calendar` numbers them (1 is Sunday).
    public let weekdays: Set<Int>
    public let startMinute: Int
    public let endMinute: Int
    public let timeZone: TimeZone

    public init(
        weekdays: Set<Int> = [2, 3, 4, 5, 6], startMinute: Int = 9 * 60, endMinute: Int = 18 * 60,
        timeZone: TimeZone = .gmt
    ) {
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Reads "09:00-18:00" or "mon-fri 09:00-18:00" (days: a range or a comma list of mon … sun). Nil when the
    /// text is neither.
    public init?(_ text: String, timeZone: TimeZone) {
        let parts = text.lowercased().split(separator: " ").map(String.init)
        guard (1...2).contains(parts.count) else { return nil }
        var weekdays: Set<Int> = [2, 3, 4, 5, 6]
        if parts.count == 2 {
            weekdays = []
            for item in parts[0].split(separator: ",") {
                let range = item.split(separator: "-").map(String.init)
                guard let first = range.first.flatMap({ Self.dayNames.firstIndex(of: $0) }),
                    let last = range.last.flatMap({ Self.dayNames.firstIndex(of: $0) }), range.count <= 2
                else { return nil }
                var day = first
                while true {
                    weekdays.insert(day + 1)
                    if day == last { break }
                    day = (day + 1) % 7
                }
            }
        }
        let times = parts[parts.count - 1].split(separator: "-").map(String.init)
        guard times.count == 2, let start = Self.minute(times[0]), let end = Self.minute(times[1]), start < end else {
            return nil
        }
        self.init(weekdays: weekdays, startMinute: start, endMinute: end, timeZone: timeZone)
    }

    private static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour),
            (0..<60).contains(minute), hour * 60 + minute <= 1_440
        else { return nil }
        return hour * 60 + minute
    }

    /// Made once: building a calendar costs more than the question asked of it, and the gate asks on every post.
    private var calendar: Calendar { Self.calendars.withLock { $0[timeZone] } ?? Self.makeCalendar(timeZone) }

    private static let calendars = Mutex<[TimeZone: Calendar]>([:])

    private static func makeCalendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendars.withLock { $0[timeZone] = calendar }
        return calendar
    }

    public func isWorking(at date: Date) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return weekdays.contains(parts.weekday ?? 0) && minute >= startMinute && minute < endMinute
    }

    /// The first start of a working day after `date` ("tomorrow morning", or this morning when it is still night).
    public func nextStart(after date: Date) -> Date {
        let calendar = self.calendar
        var day = calendar.startOfDay(for: date)
        for _ in 0..<8 {
            if weekdays.contains(calendar.component(.weekday, from: day)) {
                let start = day.addingTimeInterval(TimeInterval(startMinute * 60))
                // Days where clocks change are off by the hour at most; the queue wakes an hour early or late.
                if start > date { return start }
            }
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        return date.addingTimeInterval(86_400)
    }

    /// When the last working day before `date` ended: the start of the night just past, seen in the morning.
    public func lastEnd(before date: Date) -> Date {
        let calendar = self.calendar
        var day = calendar.startOfDay(for: date)
        for _ in 0..<8 {
            if weekdays.contains(calendar.component(.weekday, from: day)) {
                let end = day.addingTimeInterval(TimeInterval(endMinute * 60))
                let start = day.addingTimeInterval(TimeInterval(startMinute * 60))
                // During working hours, the night that counts is the one before today's start.
                if end <= date, !(start <= date && date < end) { return end }
            }
            day = calendar.date(byAdding: .day, value: -1, to: day) ?? day.addingTimeInterval(-86_400)
        }
        return date.addingTimeInterval(-86_400)
    }
}
