import Foundation

/// A small power given to a member on top of their role: "may hide posts in the beginners' category,
/// every evening from 19:00 to 23:00". The policy consults grants; handlers never do.
public struct Grant: Sendable, Equatable, Codable {
    public let actions: Set<Action>
    /// Where the power applies; nil means everywhere.
    public let scope: Resource?
    /// When the power applies; nil means always.
    public let window: DailyWindow?
    public let expiresAt: Date?

    public init(actions: Set<Action>, scope: Resource? = nil, window: DailyWindow? = nil, expiresAt: Date? = nil) {
        self.actions = actions
        self.scope = scope
        self.window = window
        self.expiresAt = expiresAt
    }

    func covers(_ action: Action, on resource: Resource, at date: Date) -> Bool {
        guard actions.contains(action) else { return false }
        if let expiresAt, date >= expiresAt { return false }
        if let scope, !scope.contains(resource) { return false }
        if let window, !window.contains(date) { return false }
        return true
    }
}

/// A daily time window in a time zone, e.g. 19:00–23:00 Europe/Paris. A window whose end is before its
/// start runs over midnight (22:00–02:00).
public struct DailyWindow: Sendable, Equatable, Codable {
    /// Minutes after local midnight.
    public let startMinute: Int
    public let endMinute: Int
    public let timeZoneIdentifier: String

    public init(startMinute: Int, endMinute: Int, timeZoneIdentifier: String) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZoneIdentifier = timeZoneIdentifier
    }

    public func contains(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZoneIdentifier) ?? .gmt
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if startMinute <= endMinute {
            return minute >= startMinute && minute < endMinute
        }
        return minute >= startMinute || minute < endMinute
    }
}
