import Foundation
import HearthCore

/// `/admin/invitations`: create an invitation link (sent by e-mail or copied), list the open ones, revoke.
public struct AdminInvitationsPage: Sendable {
    public static let template = "admin-invitations"

    public struct Row: Sendable {
        public let id: Int64
        /// Whom it was sent to, or "—" for a link handed out by hand.
        public let sentTo: String
        public let createdText: String
        public let expiresText: String
    }

    public let page: PageChrome
    public let nav: ConsoleNav
    public let rows: [Row]
    public let hasRows: Bool
    /// The link just created, shown once (only its digest is kept).
    public let createdLink: String?
    /// Whether that link was also e-mailed.
    public let createdSent: Bool
    /// What was typed, given back when it was refused.
    public let draftEmail: String

    public init(
        page: PageChrome, invitations: [Invitation], createdLink: String?, createdSent: Bool, draftEmail: String,
        localization: Localization, language: Language
    ) {
        self.page = page
        self.nav = ConsoleNav(current: "invitations", localization: localization, language: language)
        self.rows = invitations.map {
            Row(
                id: $0.id.rawValue, sentTo: $0.email ?? "—", createdText: Localization.date($0.createdAt, language),
                expiresText: Localization.date($0.expiresAt, language))
        }
        self.hasRows = !rows.isEmpty
        self.createdLink = createdLink
        self.createdSent = createdSent
        self.draftEmail = draftEmail
    }
}
