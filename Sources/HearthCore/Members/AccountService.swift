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
    private let attempts: any AttemptRepository
    /// Where a suspended member's reason is read, to tell them at log-in.
    private let penalties: (any PenaltyRepository)?
    private let now: Now
    private let logger: Logger

    /// The limiters that slow down password guessing and mail bombing.
    public struct LoginLimits: Sendable {
        /// Per account, and per trusted device and per member for `/password`'s current-password check.
        public let perAccount: AttemptLimiter
        public let perAddress: AttemptLimiter
        public let resetRequests: AttemptLimiter

        /// Five wrong passwords per account and twenty per address every fifteen minutes: enough for a
        /// person who mistypes, far too few to guess. Three reset e-mails per address or account an hour.
        /// The counts are kept in `attempts` (the database), so a restart or a second process does not reset them.
        public static func standard(attempts: any AttemptRepository, now: @escaping Now) -> LoginLimits {
            LoginLimits(
                perAccount: AttemptLimiter(rule: .init(maxFailures: 5, window: 900), attempts: attempts, now: now),
                perAddress: AttemptLimiter(rule: .init(maxFailures: 20, window: 900), attempts: attempts, now: now),
                resetRequests: AttemptLimiter(
                    rule: .init(maxFailures: 3, window: 3_600), attempts: attempts, now: now))
        }

        public init(perAccount: AttemptLimiter, perAddress: AttemptLimiter, resetRequests: AttemptLimiter) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.resetRequests = resetRequests
        }

        /// The longest window: failures older than this count for nothing.
        var longestWindow: TimeInterval {
            max(perAccount.rule.window, perAddress.rule.window, resetRequests.rule.window)
        }
    }

    /// How long a browser that logged in stays a trusted device for that account.
    public static let trustedDeviceLifetime: TimeInterval = 180 * 86_400

    public init(
        members: any MemberRepository, sessions: any SessionRepository, tokens: any OneTimeTokenRepository,
        hasher: any PasswordHasher, mailer: any AccountMailer, settings: AccountSettings,
        attempts: any AttemptRepository, penalties: (any PenaltyRepository)? = nil, limits: LoginLimits? = nil,
        now: @escaping Now, logger: Logger
    ) {
        self.penalties = penalties
        self.members = members
        self.sessions = sessions
        self.tokens = tokens
        self.hasher = hasher
        self.mailer = mailer
        self.settings = settings
        self.attempts = attempts
        self.limits = limits ?? .standard(attempts: attempts, now: now)
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
        guard settings.community.current.confirmEmail else { return try await create(form, role: .member) }
        let member = try await create(form, role: .member, emailConfirmed: false)
        try await sendConfirmation(to: member)
        return member
    }

    /// Sends a new member the link that confirms their address (the e-mail goes out through the outbox, after the
    /// token is stored); an earlier link stops working.
    func sendConfirmation(to member: Member) async throws {
        let current = now()
        try await tokens.invalidateAll(purpose: .confirmEmail, memberID: member.id, now: current)
        let secret = SecretToken.generate()
        let mail = try mailer.emailConfirmation(to: member, link: link("/confirm-email/\(secret)"))
        try await tokens.create(
            purpose: .confirmEmail, tokenDigest: SecretToken.digest(secret), memberID: member.id, email: member.email,
            createdAt: current, expiresAt: current.addingTimeInterval(settings.inviteLifetime),
            outbox: [
                try NewJob(
                    kind: .mail, mail, runAt: current,
                    origin: logger[metadataKey: "hb.request.id"].map { "request \($0)" })
            ])
    }

    /// A new link for a member still waiting to confirm their address; nothing for anyone else.
    public func resendConfirmation(_ viewer: Viewer?) async throws {
        guard let member = viewer?.member, member.awaitsEmailConfirmation else { return }
        try await sendConfirmation(to: member)
    }

    /// Confirms the address a link was sent to; the link works once.
    public func confirmEmail(token secret: String) async throws -> Member {
        guard
            let token = try await tokens.consume(
                purpose: .confirmEmail, tokenDigest: SecretToken.digest(secret), now: now()),
            let memberID = token.memberID, let member = try await members.find(id: memberID)
        else {
            throw HearthError.notFound(
                "This confirmation link has already been used or has expired. Log in and ask for a new one at /confirm-email."
            )
        }
        try await members.confirmEmail(of: member.id, at: now())
        return member
    }

    /// An invitation link for sign-up, valid once. With `sendBy` (the inviter's name) and an e-mail, the link is
    /// also e-mailed: queued in the outbox with the token, sent by the job runner after the commit.
    public func invite(email rawEmail: String?, sendBy inviter: String? = nil, logger requestLogger: Logger? = nil)
        async throws -> String
    {
        let email = rawEmail.map(AccountForm.normalizedEmail).flatMap { $0.isEmpty ? nil : $0 }
        if let email, let problem = AccountForm.emailProblem(email) {
            throw HearthError.invalid("email", problem)
        }
        let current = now()
        let secret = SecretToken.generate()
        let url = link("/signup?invite=\(secret)")
        var outbox: [NewJob] = []
        if let email, let inviter {
            let logger = requestLogger ?? self.logger
            outbox.append(
                try NewJob(
                    kind: .mail, try mailer.invitation(to: email, link: url, inviter: inviter), runAt: current,
                    origin: logger[metadataKey: "hb.request.id"].map { "request \($0)" }))
        }
        try await tokens.create(
            purpose: .invite, tokenDigest: SecretToken.digest(secret), memberID: nil, email: email,
            createdAt: current, expiresAt: current.addingTimeInterval(settings.inviteLifetime), outbox: outbox)
        return url
    }

    /// Checks the password, refusing early when this account or address has failed too often.
    ///
    /// A browser that has logged in to this account before carries a device token (a cookie; see
    /// `trustDevice`). Such a browser is counted on its own: failures from elsewhere (a guesser, or everyone
    /// behind a school's or an office's one address) never lock it out, and its own failures lock only itself.
    /// This is OWASP's "device cookie" defence.
    public func logIn(email rawEmail: String, password: String, clientAddress: String, deviceToken: String? = nil)
        async throws -> Member
    {
        let email = AccountForm.normalizedEmail(rawEmail)
        let member = try await members.find(email: email)
        var keys = ["account:\(email)", "address:\(clientAddress)"]
        if let deviceToken, let member,
            let device = try await tokens.find(
                purpose: .trustedDevice, tokenDigest: SecretToken.digest(deviceToken), now: now()),
            device.memberID == member.id
        {
            keys = ["device:\(device.id)"]
        }
        for key in keys {
            let limiter = key.hasPrefix("address:") ? limits.perAddress : limits.perAccount
            if let wait = try await limiter.retryAfter(key) {
                logger.notice("Log-in refused by rate limit", metadata: ["limit.key": .string(key)])
                throw HearthError.rateLimited(
                    message: "Too many failed attempts. Please wait \(Self.minutes(wait)) and try again.",
                    retryAfterSeconds: wait)
            }
        }
        let storedHash: String? = if let member { try await members.passwordHash(of: member.id) } else { nil }
        // Verify against a fixed hash when the account is unknown, so that timing does not reveal which
        // e-mail addresses have accounts.
        let matches = await hasher.verify(password, against: storedHash ?? hasher.decoyHash)
        guard let member, storedHash != nil, matches else {
            for key in keys { try await limits.perAccount.recordFailure(key) }
            throw HearthError.unauthorized("That e-mail and password do not match an account.")
        }
        try await limits.perAccount.reset(keys[0])
        if let until = member.suspendedUntil, until > now() {
            let reason = try await penalties?.penalties(of: member.id)
                .first { $0.kind == .suspend && $0.isActive(at: now()) }?.reason
            throw HearthError.forbidden(
                "Your account is suspended until \(AccessPolicy.moment(until))" + (reason.map { ": \($0)" } ?? "."))
        }
        return member
    }

    /// A new device token for a browser that just logged in as `member`: the secret goes in a long-lived cookie,
    /// only its digest is stored.
    public func trustDevice(of member: Member) async throws -> String {
        let current = now()
        let secret = SecretToken.generate()
        try await tokens.create(
            purpose: .trustedDevice, tokenDigest: SecretToken.digest(secret), memberID: member.id, email: nil,
            createdAt: current, expiresAt: current.addingTimeInterval(Self.trustedDeviceLifetime))
        return secret
    }

    /// Forgets failed attempts too old to count; the server calls it now and then.
    @discardableResult
    public func purgeOldAttempts() async throws -> Int {
        try await attempts.purge(before: now().addingTimeInterval(-limits.longestWindow))
    }

    // MARK: Passwords

    /// Changes the password after checking the current one, and signs out every other session.
    /// The current-password check is limited like log-in: someone at an unlocked computer cannot guess it.
    public func changePassword(
        of member: Member, current: String, new newPassword: String, keeping session: SessionID?
    ) async throws {
        let key = "password:\(member.id)"
        if let wait = try await limits.perAccount.retryAfter(key) {
            throw HearthError.rateLimited(
                message: "Too many wrong passwords. Please wait \(Self.minutes(wait)) and try again.",
                retryAfterSeconds: wait)
        }
        guard let hash = try await members.passwordHash(of: member.id),
            await hasher.verify(current, against: hash)
        else {
            try await limits.perAccount.recordFailure(key)
            throw HearthError.invalid("current_password", "Your current password is not right.")
        }
        try await setPassword(newPassword, of: member, keeping: session)
        try await limits.perAccount.reset(key)
    }

    /// Queues an e-mail with a reset link when the address has an account. Says nothing either way, so that the
    /// form cannot be used to find out who is a member: the e-mail is sent by the job runner after the commit, and
    /// a mail server that refuses is logged there with the id of the request (from `logger`'s metadata), never
    /// reported to the visitor.
    public func requestPasswordReset(email rawEmail: String, clientAddress: String, logger requestLogger: Logger? = nil)
        async throws
    {
        let logger = requestLogger ?? self.logger
        let email = AccountForm.normalizedEmail(rawEmail)
        for key in ["reset-address:\(clientAddress)", "reset-account:\(email)"] {
            if let wait = try await limits.resetRequests.retryAfter(key) {
                throw HearthError.rateLimited(
                    message: "Too many reset requests. Please wait \(Self.minutes(wait)) and try again.",
                    retryAfterSeconds: wait)
            }
            try await limits.resetRequests.recordFailure(key)
        }
        guard let member = try await members.find(email: email) else {
            logger.info("Password reset asked for an unknown e-mail")
            return
        }
        try await queuePasswordReset(to: member, logger: logger)
    }

    /// Queues a reset link for `member` (asked by them, or sent by staff from the profile): earlier links stop
    /// working, and the e-mail goes into the outbox with the new token.
    public func queuePasswordReset(to member: Member, logger: Logger) async throws {
        let email = member.email
        let current = now()
        try await tokens.invalidateAll(purpose: .passwordReset, memberID: member.id, now: current)
        let secret = SecretToken.generate()
        // The e-mail goes into the outbox with the token: the job runner sends it after the commit, retries a
        // mail server that refuses, and logs why with this request's id. The visitor's answer never changes.
        let mail = try mailer.passwordReset(to: member, link: link("/password/reset/\(secret)"))
        try await tokens.create(
            purpose: .passwordReset, tokenDigest: SecretToken.digest(secret), memberID: member.id, email: email,
            createdAt: current, expiresAt: current.addingTimeInterval(settings.passwordResetLifetime),
            outbox: [
                try NewJob(
                    kind: .mail, mail, runAt: current,
                    origin: logger[metadataKey: "hb.request.id"].map { "request \($0)" })
            ])
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
        try await limits.perAccount.reset("account:\(member.email)")
        return member
    }

    // MARK: Helpers

    private func create(_ form: AccountForm, role: Role, emailConfirmed: Bool = true) async throws -> Member {
        let hash = await hasher.hash(form.password)
        return try await members.create(
            NewMember(
                email: form.email, displayName: form.displayName, role: role, passwordHash: hash, createdAt: now(),
                emailConfirmed: emailConfirmed))
    }

    private func setPassword(_ password: String, of member: Member, keeping session: SessionID?) async throws {
        if let problem = AccountForm.passwordProblem(password, email: member.email) {
            throw HearthError.invalid("password", problem)
        }
        try await members.setPasswordHash(await hasher.hash(password), of: member.id)
        try await sessions.deleteAll(of: member.id, except: session)
        // A reset link asked for earlier must not outlive the password it was meant to replace.
        try await tokens.invalidateAll(purpose: .passwordReset, memberID: member.id, now: now())
    }

    private func link(_ path: String) -> String {
        settings.publicURL + path
    }

    private static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }
}
