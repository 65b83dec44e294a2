import Foundation

/// Who may create an account.
public enum SignupMode: String, Sendable, CaseIterable {
    /// Anyone may sign up.
    case open
    /// Only people holding an invitation link from staff.
    case inviteOnly = "invite_only"
    /// Nobody may sign up; staff create accounts.
    case closed
}

/// What a person types to create an account, checked and normalised.
public struct AccountForm: Sendable, Equatable {
    public let email: String
    public let displayName: String
    public let password: String

    /// bcrypt reads only the first 72 bytes of a password; longer ones are refused rather than silently cut.
    static let maximumPasswordBytes = 72
    /// NIST SP 800-63B asks for at least 8; Discourse uses 10 by default, and so do we.
    static let minimumPasswordLength = 10

    public init(email: String, displayName: String, password: String) throws {
        let email = Self.normalizedEmail(email)
        let name = displayName.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldError] = []
        if let problem = Self.emailProblem(email) {
            problems.append(FieldError(field: "email", message: problem))
        }
        if !(1...60).contains(name.count) {
            problems.append(FieldError(field: "name", message: "Choose a name of 1 to 60 characters."))
        } else if name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            problems.append(FieldError(field: "name", message: "A name cannot contain control characters."))
        }
        if let problem = Self.passwordProblem(password, email: email) {
            problems.append(FieldError(field: "password", message: problem))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        self.email = email
        self.displayName = name
        self.password = password
    }

    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
        else {
            return "Enter an e-mail address like name@example.org."
        }
        return nil
    }

    public static func passwordProblem(_ password: String, email: String) -> String? {
        if password.count < minimumPasswordLength {
            return "Choose a password of at least \(minimumPasswordLength) characters."
        }
        if password.utf8.count > maximumPasswordBytes {
            return "Choose a password of at most \(maximumPasswordBytes) bytes."
        }
        if password.lowercased() == email || password.trimmingCharacters(in: .whitespaces).isEmpty {
            return "Choose a password that is not your e-mail address."
        }
        return nil
    }
}

/// Settings the account flows need, taken from `AppConfig` and, for who may sign up, from the community's live
/// settings.
public struct AccountSettings: Sendable {
    public let community: LiveSettings
    public var signupMode: SignupMode { community.current.signupMode }
    /// The community's public address, e.g. `https://forum.example.org`, used to build links in e-mails.
    public var publicURL: String
    public var sessionLifetime: TimeInterval
    public var passwordResetLifetime: TimeInterval
    public var setupLinkLifetime: TimeInterval
    public var inviteLifetime: TimeInterval

    public init(
        community: LiveSettings, publicURL: String, sessionLifetime: TimeInterval = 30 * 86_400,
        passwordResetLifetime: TimeInterval = 3_600, setupLinkLifetime: TimeInterval = 7 * 86_400,
        inviteLifetime: TimeInterval = 14 * 86_400
    ) {
        self.community = community
        self.publicURL = publicURL
        self.sessionLifetime = sessionLifetime
        self.passwordResetLifetime = passwordResetLifetime
        self.setupLinkLifetime = setupLinkLifetime
        self.inviteLifetime = inviteLifetime
    }
}
