import Foundation

extension JobKind {
    /// E-mail a holder whose weekly report is still empty two days after it opened (`RoleReportReminder`).
    public static let roleReportReminder = JobKind(rawValue: "role_report_reminder")
}

/// The payload of a `roleReportReminder` job.
public struct RoleReportReminder: Sendable, Codable, Equatable {
    public let reportID: Int64

    public init(reportID: Int64) {
        self.reportID = reportID
    }
}

/// The weekly reports from role holders: opened each week with the week's activity under the role, written and sent
/// by the holder during the week after, read and answered by the community manager.
public struct RoleReportService: Sendable {
    let reports: any RoleReportRepository
    let roles: any DelegateRoleRepository
    let notices: any RoleNoticeRepository
    let timeZone: @Sendable () -> TimeZone
    let policy: AccessPolicy
    let now: Now

    /// How long after a report opens its holder is e-mailed if it is still empty.
    public static let reminderDelay: TimeInterval = 2 * 86_400

    public init(
        reports: any RoleReportRepository, roles: any DelegateRoleRepository, notices: any RoleNoticeRepository,
        timeZone: @escaping @Sendable () -> TimeZone, policy: AccessPolicy, now: @escaping Now
    ) {
        self.reports = reports
        self.roles = roles
        self.notices = notices
        self.timeZone = timeZone
        self.policy = policy
        self.now = now
    }

    /// Opens last week's reports that are not open yet (safe to call often, and from several processes); returns
    /// how many it opened.
    @discardableResult
    public func openDue() async throws -> Int {
        let zone = timeZone()
        let date = now()
        let week = ISOWeek(containing: date, in: zone).previous
        try await roles.refreshBadges(today: CalendarDay(date, in: zone))
        let (start, end) = (week.start(in: zone), week.end(in: zone))
        let days = CalendarDay(start, in: zone)...CalendarDay(end - 1, in: zone)
        let opened = try await reports.open(week: week, from: start, to: end, days: days, at: date) { report in
            try NewJob(
                kind: .roleReportReminder, RoleReportReminder(reportID: report.id.rawValue),
                runAt: date + Self.reminderDelay, key: "role-report-reminder:\(report.id.rawValue)")
        }
        return opened.count
    }

    /// The holder's report on `role` for `week`.
    public func report(_ viewer: Viewer?, role: DelegateRoleID, week: ISOWeek) async throws -> RoleReport {
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        guard let report = try await reports.report(role: role, member: viewer.member.id, week: week) else {
            throw HearthError.notFound("You have no report for this role and week.")
        }
        return report
    }

    /// A week's reports on a role as the viewer may read them: every holder's for who manages roles, their own for
    /// a holder.
    public func reports(_ viewer: Viewer?, role: DelegateRoleID, week: ISOWeek) async throws -> [RoleReport] {
        if policy.decide(viewer, .manageRoles, at: now()).isAllowed {
            return try await reports.reports(role: role, week: week, limit: 200)
        }
        return [try await report(viewer, role: role, week: week)]
    }

    /// The open reports the viewer has to write on the roles they hold (`held`): last week's.
    public func waiting(_ viewer: Viewer?, held: [DelegateRoleID]) async throws -> [RoleReport] {
        guard let viewer else { return [] }
        let week = ISOWeek(containing: now(), in: timeZone()).previous
        var found: [RoleReport] = []
        for role in held {
            if let report = try await reports.report(role: role, member: viewer.member.id, week: week) {
                found.append(report)
            }
        }
        return found
    }

    /// Saves what the holder wrote, and sends it when `send`. A sent report, or one whose week of writing is over,
    /// stays as it was.
    @discardableResult
    public func write(
        _ viewer: Viewer?, role: DelegateRoleID, week: ISOWeek, _ lines: RoleReport.Lines, send: Bool
    ) async throws -> RoleReport {
        try policy.authorize(viewer, .reportOnRole, at: now())
        return try await write(try await report(viewer, role: role, week: week), lines, send: send)
    }

    /// The same, for the report with that id (the holder's page sends it).
    @discardableResult
    public func write(_ viewer: Viewer?, report id: RoleReportID, _ lines: RoleReport.Lines, send: Bool)
        async throws -> RoleReport
    {
        try policy.authorize(viewer, .reportOnRole, at: now())
        guard let report = try await reports.report(id), report.memberID == viewer?.member.id else {
            throw HearthError.notFound("You have no report for this role and week.")
        }
        return try await write(report, lines, send: send)
    }

    private func write(_ found: RoleReport, _ lines: RoleReport.Lines, send: Bool) async throws -> RoleReport {
        var report = found
        let week = report.week
        if let sentAt = report.sentAt {
            throw HearthError.conflict("This report was already sent, on \(AccessPolicy.moment(sentAt)).")
        }
        if now() >= RoleReport.closes(week, in: timeZone()) {
            throw HearthError.conflict("The week to write this report is over: it is kept as it was.")
        }
        let cleaned = RoleReport.Lines(
            wentWell: Self.clean(lines.wentWell), needsManager: Self.clean(lines.needsManager),
            suggestions: Self.clean(lines.suggestions))
        var problems: [FieldError] = []
        for (field, text) in [
            ("wentWell", cleaned.wentWell), ("needsManager", cleaned.needsManager),
            ("suggestions", cleaned.suggestions),
        ] where text.count > 5_000 {
            problems.append(FieldError(field: field, message: "Each part of a report is 5,000 characters at most."))
        }
        if send, cleaned.isEmpty {
            problems.append(FieldError(field: "wentWell", message: "Write a few lines before sending the report."))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        guard try await reports.write(report.id, cleaned, send: send, at: now()) else {
            throw HearthError.conflict("This report was already sent.")
        }
        report.lines = cleaned
        if send { report.sentAt = now() }
        return report
    }

    /// Every report of a role (or of all roles), newest week first, for the community manager.
    public func all(_ viewer: Viewer?, role: DelegateRoleID? = nil, week: ISOWeek? = nil) async throws
        -> [RoleReport]
    {
        try policy.authorize(viewer, .manageRoles, at: now())
        return try await reports.reports(role: role, week: week, limit: 200)
    }

    public func markRead(_ viewer: Viewer?, _ id: RoleReportID) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        guard try await reports.report(id) != nil else { throw HearthError.notFound("There is no such report.") }
        try await reports.markRead(id, at: now())
    }

    public func answer(_ viewer: Viewer?, _ id: RoleReportID, _ text: String) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        guard let viewer, try await reports.report(id) != nil else {
            throw HearthError.notFound("There is no such report.")
        }
        let answer = Self.clean(text)
        guard (1...5_000).contains(answer.count) else {
            throw HearthError.invalid("answer", "An answer is 1 to 5,000 characters.")
        }
        try await reports.answer(id, answer, by: viewer.member.id, at: now())
    }

    /// The report to remind its holder of, or nil when it was sent or written meanwhile.
    public func needsReminder(_ job: RoleReportReminder) async throws -> RoleReport? {
        guard let report = try await reports.report(RoleReportID(job.reportID)), report.sentAt == nil,
            report.lines.isEmpty, now() < RoleReport.closes(report.week, in: timeZone())
        else { return nil }
        return report
    }

    static func clean(_ text: String) -> String {
        text.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The viewer's notices about their roles, newest first (none for visitors).
    public func notices(_ viewer: Viewer?, limit: Int = 20) async throws -> [RoleNotice] {
        guard let viewer else { return [] }
        return try await notices.notices(of: viewer.member.id, limit: limit)
    }

    public func markNoticesRead(_ viewer: Viewer?) async throws {
        guard let viewer else { return }
        try await notices.markRead(of: viewer.member.id, at: now())
    }
}
