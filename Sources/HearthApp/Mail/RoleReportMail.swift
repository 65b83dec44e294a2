import Foundation
import HearthCore
import HearthViews

/// Composes the reminder e-mail for a weekly role report still empty two days after it opened.
struct RoleReportMail: Sendable {
    let renderer: Renderer
    let from: String
    let community: LiveSettings
    let publicURL: String

    func reminder(_ report: RoleReport, role: DelegateRole, to member: Member) throws -> MailMessage {
        let settings = community.current
        let mail = RoleReportReminderMail(
            report: report, role: role.definition, member: member, communityName: settings.name,
            publicURL: publicURL, closes: RoleReport.closes(report.week, in: settings.timeZone),
            timeZone: settings.timeZone, localization: renderer.localization)
        return MailMessage(
            from: from, to: [member.email], subject: mail.subject,
            textBody: try renderer.render(mail, template: RoleReportReminderMail.template))
    }
}
