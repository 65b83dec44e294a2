import Foundation
import HearthCore

/// The e-mail reminding a role holder that their weekly report is still empty, in their language.
public struct RoleReportReminderMail: Sendable {
    public static let template = "mail-role-report"
    public let subject: String
    public let greeting: String
    public let waiting: String
    public let activity: String
    public let link: String
    public let closing: String

    public init(
        report: RoleReport, role: RoleDefinition, member: Member, communityName: String, publicURL: String,
        closes: Date, timeZone: TimeZone, localization: Localization
    ) {
        let language = member.language ?? .english
        func text(_ key: String, _ values: [String: String] = [:]) -> String {
            localization.text(key, language, values)
        }
        let name = role.name(language)
        subject = text("roleReport_mailSubject", ["role": name, "community": communityName])
        greeting = text("roleReport_mailGreeting", ["name": member.displayName])
        waiting = text(
            "roleReport_mailWaiting",
            [
                "role": name, "week": report.week.description,
                "closes": Localization.date(closes, language, in: timeZone),
            ])
        activity = text(
            "roleReport_mailActivity",
            [
                "acts": String(report.activity.acts), "topics": String(report.activity.topicsHelped),
                "newcomers": String(report.activity.newcomersWelcomed),
            ])
        link = publicURL + "/my-roles"
        closing = text("roleReport_mailClosing")
    }
}
