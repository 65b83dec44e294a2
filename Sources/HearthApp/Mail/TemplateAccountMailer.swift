import HearthCore
import HearthViews

/// Composes account e-mails from the bundled templates and hands them to the transport.
struct TemplateAccountMailer: AccountMailer {
    let renderer: Renderer
    let transport: any MailTransport
    let from: String
    let communityName: String

    func sendPasswordReset(to member: Member, link: String) async throws {
        let text = try renderer.render(
            PasswordResetMail(name: member.displayName, communityName: communityName, link: link),
            template: PasswordResetMail.template)
        try await transport.send(
            MailMessage(
                from: from, to: [member.email], subject: "Reset your password on \(communityName)", textBody: text))
    }
}
