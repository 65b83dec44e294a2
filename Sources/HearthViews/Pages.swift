/// One view model per template. Mustache escapes every `{{value}}`; none of these carries HTML.

public struct LoginPage: Sendable {
    public static let template = "login"
    public let page: PageChrome
    public let email: String
    public init(page: PageChrome, email: String) {
        self.page = page
        self.email = email
    }
}

/// Sign-up and first-run setup share a form: name, e-mail, password.
public struct AccountFormPage: Sendable {
    public static let template = "account-form"
    public let page: PageChrome
    public let heading: String
    public let intro: String?
    public let action: String
    public let submitLabel: String
    public let name: String
    public let email: String
    public let invite: String?
    /// Sign-up links the community's guidelines; first-run setup does not.
    public let linksGuidelines: Bool

    public init(
        page: PageChrome, heading: String, intro: String?, action: String, submitLabel: String, name: String,
        email: String, invite: String?, linksGuidelines: Bool = false
    ) {
        self.page = page
        self.linksGuidelines = linksGuidelines
        self.heading = heading
        self.intro = intro
        self.action = action
        self.submitLabel = submitLabel
        self.name = name
        self.email = email
        self.invite = invite
    }
}

public struct PasswordChangePage: Sendable {
    public static let template = "password-change"
    public let page: PageChrome
    public init(page: PageChrome) { self.page = page }
}

public struct PasswordForgotPage: Sendable {
    public static let template = "password-forgot"
    public let page: PageChrome
    public init(page: PageChrome) { self.page = page }
}

public struct PasswordResetPage: Sendable {
    public static let template = "password-reset"
    public let page: PageChrome
    public let token: String
    public init(page: PageChrome, token: String) {
        self.page = page
        self.token = token
    }
}

/// A page that only says something: an error, a confirmation.
public struct MessagePage: Sendable {
    public static let template = "message"
    public let page: PageChrome
    public let heading: String
    public let message: String
    public let linkURL: String?
    public let linkLabel: String?
    /// A one-button form under the message (ask for a new link, say).
    public let formAction: String?
    public let formLabel: String?

    public init(
        page: PageChrome, heading: String, message: String, linkURL: String? = nil, linkLabel: String? = nil,
        formAction: String? = nil, formLabel: String? = nil
    ) {
        self.formAction = formAction
        self.formLabel = formLabel
        self.page = page
        self.heading = heading
        self.message = message
        self.linkURL = linkURL
        self.linkLabel = linkLabel
    }
}

/// The password-reset e-mail's text.
/// The e-mail carrying an invitation link (`/admin/invitations`).
public struct InvitationMail: Sendable {
    public static let template = "mail-invitation"
    public let inviter: String
    public let communityName: String
    public let link: String
    public init(inviter: String, communityName: String, link: String) {
        self.inviter = inviter
        self.communityName = communityName
        self.link = link
    }
}

public struct PasswordResetMail: Sendable {
    public static let template = "mail-password-reset"
    public let name: String
    public let communityName: String
    public let link: String
    public init(name: String, communityName: String, link: String) {
        self.name = name
        self.communityName = communityName
        self.link = link
    }
}
