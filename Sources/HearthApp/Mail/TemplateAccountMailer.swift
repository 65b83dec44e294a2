import HearthCore
import HearthViews

/// Composes account e-mails from the bundled templates and hands them to the transport.
struct TemplateAccountMailer: AccountMailer {
    let renderer: Renderer
    let from: String
    let community: LiveSettings

    func passwordReset(to member: Member, link: String) throws -> MailMessage {
        let communityName = community.current.name
        let text = try renderer.render(
            PasswordResetMail(name: member.displayName, communityName: communityName, link: link),
            template: PasswordResetMail.template)
        return MailMessage(
            from: from, to: [member.email], subject: "Reset your password on \(communityName)", textBody: text)
    }

    func emailConfirmation(to member: Member, link: String) throws -> MailMessage {
        let communityName = community.current.name
        let text = try renderer.render(
            PasswordResetMail(name: member.displayName, communityName: communityName, link: link),
            template: "mail-confirm-email")
        return MailMessage(
            from: from, to: [member.email], subject: "Confirm your e-mail address on \(communityName)",
            textBody: text)
    }

    func invitation(to email: String, link: String, inviter: String) throws -> MailMessage {
        let communityName = community.current.name
        let text = try renderer.render(
            InvitationMail(inviter: inviter, communityName: communityName, link: link),
            template: InvitationMail.template)
        return MailMessage(
            from: from, to: [email], subject: "\(inviter) invites you to \(communityName)", textBody: text)
    }
}
