import Foundation

/// Marker for `Identifier<RoleReport>`.
public typealias RoleReportID = Identifier<RoleReport>

/// A holder's weekly report on their role: what the week held under it, counted when the report opens, and what
/// the holder writes back (what went well, what needs the community manager, suggestions), with the manager's
/// answer.
public struct RoleReport: Sendable, Equatable, Identifiable {
    /// The week's activity under the role, counted from the moderation log and the forum.
    public struct Activity: Sendable, Equatable {
        /// Acts written to the moderation log under the role's name.
        public var acts: Int
        /// Other members' topics (in the role's categories) the holder replied in.
        public var topicsHelped: Int
        /// Members who joined in the 30 days before and whose topics the holder replied in.
        public var newcomersWelcomed: Int

        public init(acts: Int, topicsHelped: Int, newcomersWelcomed: Int) {
            self.acts = acts
            self.topicsHelped = topicsHelped
            self.newcomersWelcomed = newcomersWelcomed
        }
    }

    /// What the holder writes.
    public struct Lines: Sendable, Equatable {
        public var wentWell: String
        public var needsManager: String
        public var suggestions: String

        public init(wentWell: String = "", needsManager: String = "", suggestions: String = "") {
            self.wentWell = wentWell
            self.needsManager = needsManager
            self.suggestions = suggestions
        }

        public var isEmpty: Bool { wentWell.isEmpty && needsManager.isEmpty && suggestions.isEmpty }
    }

    public let id: RoleReportID
    public let roleID: DelegateRoleID
    public let memberID: MemberID
    public let week: ISOWeek
    public let openedAt: Date
    public let activity: Activity
    public var lines: Lines
    public var sentAt: Date?
    public var readAt: Date?
    public var answer: String?
    public var answeredBy: MemberID?
    public var answeredAt: Date?

    public init(
        id: RoleReportID, roleID: DelegateRoleID, memberID: MemberID, week: ISOWeek, openedAt: Date,
        activity: Activity, lines: Lines = Lines(), sentAt: Date? = nil, readAt: Date? = nil, answer: String? = nil,
        answeredBy: MemberID? = nil, answeredAt: Date? = nil
    ) {
        self.id = id
        self.roleID = roleID
        self.memberID = memberID
        self.week = week
        self.openedAt = openedAt
        self.activity = activity
        self.lines = lines
        self.sentAt = sentAt
        self.readAt = readAt
        self.answer = answer
        self.answeredBy = answeredBy
        self.answeredAt = answeredAt
    }

    /// A report about week W is written during the week after; it is kept read-only once that week is over.
    public static func closes(_ week: ISOWeek, in timeZone: TimeZone) -> Date {
        week.next.end(in: timeZone)
    }
}

/// Weekly reports as stored.
public protocol RoleReportRepository: Sendable {
    /// Opens the reports of `week` (from `start` to `end`) for every member holding a role then, counting each
    /// one's activity under their role; returns the reports this call opened (none already open is returned, so
    /// that several processes opening the same week notify once). Each new report's `reminder` job is queued in
    /// the same transaction.
    /// Roles whose days lie outside the week (`firstDay` to `lastDay`) give no report.
    func open(
        week: ISOWeek, from start: Date, to end: Date, days: ClosedRange<CalendarDay>, at date: Date,
        reminder: @Sendable (RoleReport) throws -> NewJob
    ) async throws -> [RoleReport]
    func report(_ id: RoleReportID) async throws -> RoleReport?
    func report(role: DelegateRoleID, member: MemberID, week: ISOWeek) async throws -> RoleReport?
    /// Every report of a role (or of all roles), of one week or of all, newest week first.
    func reports(role: DelegateRoleID?, week: ISOWeek?, limit: Int) async throws -> [RoleReport]
    /// Saves the holder's lines, and sends the report when `send`; false when it was already sent.
    func write(_ id: RoleReportID, _ lines: RoleReport.Lines, send: Bool, at date: Date) async throws -> Bool
    func markRead(_ id: RoleReportID, at date: Date) async throws
    func answer(_ id: RoleReportID, _ text: String, by manager: MemberID, at date: Date) async throws
}
