import Foundation
import Logging

/// Account use cases: first-run setup, sign-up, log-in, password change and reset, invitations.
public struct AccountService: Sendable {
    private let members: any MemberRepository
    private let sessions: any SessionRepository
    private let tokens: any OneTimeTokenRepository
    private let hasher: any PasswordHasher
    private let mailer: any AccountMailer
    private let settings: AccountSettings
    private let limits: LoginLimits
    private let now: Now
    private let logger: Logger

    /// The limiters that slow down password guessing and mail bombing.
    public struct LoginLimits: Sendable {
        public let perAccount: AttemptLimiter
        public let perAddress: AttemptLimiter
        public let resetRequests: AttemptLimiter

        /// Five wrong passwords per account and twenty per address every fifteen minutes: enough for a
        /// person who mistypes, far too few to guess. Three reset e-mails per address or account an hour.
        public static func standard(now: @escaping Now) -> LoginLimits {
            LoginLimits(
                perAccount: AttemptLimiter(rule: .init(maxFailures: 5, window: 900), now: now),
                perAddress: AttemptLimiter(rule: .init(maxFailures: 20, window: 900), now: now),
                resetRequests: AttemptLimiter(rule: .init(maxFailures: 3, window: 3_600), now: now))
        }

        public init(perAccount: AttemptLimiter, perAddress: AttemptLimiter, resetRequests: AttemptLimiter) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.resetRequests = resetRequests
        }
    }

    public init(
        members: any MemberRepository, sessions: any SessionRepository, tokens: any OneTimeTokenRepository,
        hasher: any PasswordHasher, mailer: any AccountMailer, settings: AccountSettings, limits: LoginLimits,
        now: @escaping Now, logger: Logger
    ) {
        self.members = members
        self.sessions = sessions
        self.tokens = tokens
        self.hasher = hasher
        self.mailer = mailer
        self.settings = settings
        self.limits = limits
        self.now = now
        self.logger = logger
    }

    public var signupMode: SignupMode { settings.signupMode }

    // MARK: First run

    /// True until a community manager account exists.
    public func needsSetup() async throws -> Bool {
        try await members.count(role: .communityManager) == 0
    }

    /// A new one-time setup link, replacing any earlier one, or nil when the community is already set up.
    public func issueSetupLink() async throws -> String? {
        guard try await needsSetup() else { return nil }
        let current = now()
        try await tokens.invalidateAll(purpose: .setup, memberID: nil, now: current)
        let secret = SecretToken.generate()
        try await tokens.create(
            purpose: .setup, tokenDigest: SecretToken.digest(secret), memberID: nil, email: nil, createdAt: current,
            expiresAt: current.addingTimeInterval(settings.setupLinkLifetime))
        return link("/setup/\(secret)")
    }

    public func isValidSetupToken(_ secret: String) async throws -> Bool {
        try await tokens.find(purpose: .setup, tokenDigest: SecretToken.digest(secret), now: now()) != nil
    }

    /// Creates the community manager from the setup link; the link is used up even if two people race.
    public func completeSetup(token secret: String, form: AccountForm) async throws -> Member {
        guard try await needsSetup(),
            try await tokens.consume(purpose: .setup, tokenDigest: SecretToken.digest(secret), now: now()) != nil
        else {
            throw HearthError.notFound("This setup link has already been used or has expired.")
        }
        return try await create(form, role: .communityManager)
    }

    /// Creates a community manager from the command line (`hearth create-admin`).
    public func createCommunityManager(_ form: AccountForm) async throws -> Member {
        let member = try await create(form, role: .communityManager)
        try await tokens.invalidateAll(purpose: .setup, memberID: nil, now: now())
        return member
    }

    // MARK: Sign-up and log-in

    public func signUp(_ form: AccountForm, inviteToken: String?) async throws -> Member {
        switch settings.signupMode {
        case .closed:
            throw HearthError.forbidden("Sign-up is closed in this community. Ask its team for an account.")
        case .inviteOnly:
            guard let inviteToken,
                try await tokens.consume(purpose: .invite, tokenDigest: SecretToken.digest(inviteToken), now: now())
                    != nil
            else {
                throw HearthError.forbidden(
                    "This community is open by invitation only, and this invitation is unknown, used or expired.")
            }
        case .open:
            break
        }
        return try await create(form, role: .member)
    }

    /// An invitation link for sign-up, valid once.
    public func invite(email: String?) async throws -> String {
        let current = now()
        let secret = SecretToken.generate()
        try await tokens.create(
            purpose: .invite, tokenDigest: SecretToken.digest(secret), memberID: nil,
            email: email.map(AccountForm.normalizedEmail), createdAt: current,
            expiresAt: current.addingTimeInterval(settings.inviteLifetime))
        return link("/signup?invite=\(secret)")
    }

    /// Checks the password, refusing early when this account or address has failed too often.
    public func logIn(email rawEmail: String, password: String, clientAddress: String) async throws -> Member {
        let email = AccountForm.normalizedEmail(rawEmail)
        let accountKey = "account:\(email)"
        let addressKey = "address:\(clientAddress)"
        for (limiter, key) in [(limits.perAccount, accountKey), (limits.perAddress, addressKey)] {
            if let wait = await limiter.retryAfter(key) {
                logger.notice("Log-in refused by rate limit", metadata: ["limit.key": .string(key)])
                throw HearthError.rateLimited(
                    message: "Too many failed attempts. Please wait \(Self.minutes(wait)) and try again.",
                    retryAfterSeconds: wait)
            }
        }
        let member = try await members.find(email: email)
        let storedHash: String? = if let member { try await members.passwordHash(of: member.id) } else { nil }
        // Verify against a fixed hash when the account is unknown, so that timing does not reveal which
        // e-mail addresses have accounts.
        let matches = await hasher.verify(password, against: storedHash ?? hasher.decoyHash)
        guard let member, storedHash != nil, matches else {
            await limits.perAccount.recordFailure(accountKey)
            await limits.perAddress.recordFailure(addressKey)
            throw HearthError.unauthorized("That e-mail and password do not match an account.")
        }
        await limits.perAccount.reset(accountKey)
        return member
    }

    // MARK: Passwords

    /// Changes the password after checking the current one, and signs out every other session.
    public func changePassword(
        of member: Member, current: String, new newPassword: String, keeping session: SessionID?
    ) async throws {
        guard let hash = try await members.passwordHash(of: member.id),
            await hasher.verify(current, against: hash)
        else {
            throw HearthError.invalid("current_password", "Your current password is not right.")
        }
        try await setPassword(newPassword, of: member, keeping: session)
    }

    /// E-mails a reset link when the address has an account. Says nothing either way, so that the form
    /// cannot be used to find out who is a member.
    public func requestPasswordReset(email rawEmail: String, clientAddress: String) async throws {
        let email = AccountForm.normalizedEmail(rawEmail)
        for key in ["reset-address:\(clientAddress)", "reset-account:\(email)"] {
            if let wait = await limits.resetRequests.retryAfter(key) {
                throw HearthError.rateLimited(
                    message: "Too many reset requests. Please wait \(Self.minutes(wait)) and try again.",
                    retryAfterSeconds: wait)
            }
            await limits.resetRequests.recordFailure(key)
        }
        guard let member = try await members.find(email: email) else {
            logger.info("Password reset asked for an unknown e-mail")
            return
        }
        let current = now()
        try await tokens.invalidateAll(purpose: .passwordReset, memberID: member.id, now: current)
        let secret = SecretToken.generate()
        try await tokens.create(
            purpose: .passwordReset, tokenDigest: SecretToken.digest(secret), memberID: member.id, email: email,
            createdAt: current, expiresAt: current.addingTimeInterval(settings.passwordResetLifetime))
        try await mailer.sendPasswordReset(to: member, link: link("/password/reset/\(secret)"))
    }

    public func isValidResetToken(_ secret: String) async throws -> Bool {
        try await tokens.find(purpose: .passwordReset, tokenDigest: SecretToken.digest(secret), now: now()) != nil
    }

    /// Sets a new password from a reset link; the link works once, and every session is signed out.
    public func resetPassword(token secret: String, newPassword: String) async throws -> Member {
        let digest = SecretToken.digest(secret)
        guard let token = try await tokens.find(purpose: .passwordReset, tokenDigest: digest, now: now()),
            let memberID = token.memberID, let member = try await members.find(id: memberID)
        else {
            throw HearthError.notFound("This reset link has already been used or has expired. Ask for a new one.")
        }
        if let problem = AccountForm.passwordProblem(newPassword, email: member.email) {
            throw HearthError.invalid("password", problem)
        }
        guard try await tokens.consume(purpose: .passwordReset, tokenDigest: digest, now: now()) != nil else {
            throw HearthError.notFound("This reset link has already been used or has expired. Ask for a new one.")
        }
        try await setPassword(newPassword, of: member, keeping: nil)
        await limits.perAccount.reset("account:\(member.email)")
        return member
    }

    // MARK: Helpers

    private func create(_ form: AccountForm, role: Role) async throws -> Member {
        let hash = await hasher.hash(form.password)
        return try await members.create(
            NewMember(
                email: form.email, displayName: form.displayName, role: role, passwordHash: hash, createdAt: now()))
    }

    private func setPassword(_ password: String, of member: Member, keeping session: SessionID?) async throws {
        if let problem = AccountForm.passwordProblem(password, email: member.email) {
            throw HearthError.invalid("password", problem)
        }
        try await members.setPasswordHash(await hasher.hash(password), of: member.id)
        try await sessions.deleteAll(of: member.id, except: session)
    }

    private func link(_ path: String) -> String {
        settings.publicURL + path
    }

    private static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }
}
