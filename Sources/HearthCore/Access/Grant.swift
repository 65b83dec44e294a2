import Foundation

/// A small power a member holds on top of their role: "may hide posts in the beginners' category, every evening
/// from 19:00 to 23:00". Members get them by holding a delegated role (`DelegateRole.grants`). The policy consults
/// grants; handlers never do.
public struct Grant: Sendable, Equatable {
    public let actions: Set<Action>
    /// Where the power applies; nil means everywhere.
    public let scope: Resource?
    /// When the power applies; nil means always.
    public let window: DailyWindow?
    public let startsAt: Date?
    public let expiresAt: Date?
    /// The name of the role that gives it, for the moderation log ("as Evening advisor").
    public let roleName: String?

    public init(
        actions: Set<Action>, scope: Resource? = nil, window: DailyWindow? = nil, startsAt: Date? = nil,
        expiresAt: Date? = nil, roleName: String? = nil
    ) {
        self.actions = actions
        self.scope = scope
        self.window = window
        self.startsAt = startsAt
        self.expiresAt = expiresAt
        self.roleName = roleName
    }

    func covers(_ action: Action, on resource: Resource, at date: Date) -> Bool {
        guard actions.contains(action) else { return false }
        if let scope, !scope.contains(resource) { return false }
        // With hours, the first and last days are those the window opens on: a night that starts on the last day
        // runs to its end, and one that started the evening before the first day does not count.
        var moment = date
        if let window {
            guard let opened = window.opening(containing: date) else { return false }
            moment = opened
        }
        if let startsAt, moment < startsAt { return false }
        if let expiresAt, moment >= expiresAt { return false }
        return true
    }
}

/// A time window on some days of the week, in a time zone: 19:00–23:00 every day, Europe/Paris. A window whose end
/// is before its start runs over midnight (Friday 22:00–02:00 holds until Saturday 02:00, as Friday's).
public struct DailyWindow: Sendable, Equatable {
    /// Minutes after local midnight.
    public let startMinute: Int
    public let endMinute: Int
    /// ISO weekdays the window opens on: 1 is Monday, 7 Sunday.
    public let weekdays: Set<Int>
    public let timeZone: TimeZone

    public static let everyDay: Set<Int> = Set(1...7)

    public init(startMinute: Int, endMinute: Int, weekdays: Set<Int> = everyDay, timeZone: TimeZone) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.weekdays = weekdays
        self.timeZone = timeZone
    }

    public func contains(_ date: Date) -> Bool {
        opening(containing: date) != nil
    }

    /// When the window that holds `date` opened (the evening before, for the small hours of a night window); nil
    /// when `date` is outside every window.
    public func opening(containing date: Date) -> Date? {
        let calendar = CalendarDay.calendar(timeZone)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let today = Self.isoWeekday(parts.weekday ?? 1)
        func opened(daysBefore: Int) -> Date? {
            let midnight = calendar.startOfDay(for: date)
            guard let day = calendar.date(byAdding: .day, value: -daysBefore, to: midnight) else { return nil }
            return calendar.date(bySettingHour: startMinute / 60, minute: startMinute % 60, second: 0, of: day)
        }
        if startMinute <= endMinute {
            guard weekdays.contains(today), minute >= startMinute, minute < endMinute else { return nil }
            return opened(daysBefore: 0)
        }
        if minute >= startMinute, weekdays.contains(today) { return opened(daysBefore: 0) }
        if minute < endMinute, weekdays.contains(today == 1 ? 7 : today - 1) { return opened(daysBefore: 1) }
        return nil
    }

    /// The next time the window opens after `date`, within a week; nil when it never opens.
    public func nextOpening(after date: Date) -> Date? {
        let calendar = CalendarDay.calendar(timeZone)
        let midnight = calendar.startOfDay(for: date)
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: midnight),
                weekdays.contains(Self.isoWeekday(calendar.component(.weekday, from: day))),
                let opening = calendar.date(
                    bySettingHour: startMinute / 60, minute: startMinute % 60, second: 0, of: day),
                opening > date
            else { continue }
            return opening
        }
        return nil
    }

    /// `Calendar`'s weekday (1 is Sunday) as ISO's (1 is Monday).
    static func isoWeekday(_ weekday: Int) -> Int { (weekday + 5) % 7 + 1 }
}
