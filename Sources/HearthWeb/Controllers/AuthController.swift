import HearthCore
import HearthViews
import Hummingbird

/// Log-in, log-out, sign-up and passwords. Each handler decodes the form, calls `AccountService`, and
/// renders or redirects; validation errors re-render the form with what the person typed.
struct AuthController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let pages: PageRenderer
    let cookies: SessionCookies

    func addRoutes(to router: Router<Context>) {
        router.get("/login", use: loginForm)
        router.post("/login", use: logIn)
        router.post("/logout", use: logOut)
        router.get("/signup", use: signupForm)
        router.post("/signup", use: signUp)
        router.get("/password", use: passwordForm)
        router.post("/password", use: changePassword)
        router.get("/password/forgot", use: forgotForm)
        router.post("/password/forgot", use: requestReset)
        router.get("/password/reset/:token", use: resetForm)
        router.post("/password/reset/:token", use: resetPassword)
    }

    // MARK: Log-in

    @Sendable func loginForm(_ request: Request, context: Context) async throws -> Response {
        if context.identity != nil { return SessionCookies.redirect(to: "/") }
        return loginPage(context: context, email: "", errors: [])
    }

    @Sendable func logIn(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let email = form.text("email")
        do {
            let member = try await services.accounts.logIn(
                email: email, password: form.text("password"), clientAddress: context.clientAddress,
                deviceToken: request.cookieValue(CookieName.device))
            var response = try await startSession(for: member, request: request, context: context)
            cookies.trustDevice(&response, secret: try await services.accounts.trustDevice(of: member))
            return response
        } catch let error as HearthError {
            switch error {
            case .unauthorized, .rateLimited:
                context.logger.info("Log-in failed", metadata: ["reason": .string(error.code)])
                var response = loginPage(
                    context: context, email: email, errors: [error.userMessage], status: error.status)
                if case .rateLimited(_, let seconds) = error { response.headers[.retryAfter] = String(seconds) }
                return response
            default:
                throw error
            }
        }
    }

    @Sendable func logOut(_ request: Request, context: Context) async throws -> Response {
        if let secret = request.cookieValue(CookieName.session) {
            try await services.sessions.end(secret: secret)
        }
        var response = SessionCookies.redirect(to: "/")
        cookies.signOut(&response)
        return response
    }

    private func loginPage(
        context: Context, email: String, errors: [String], status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.html(
            LoginPage(
                page: pages.chrome(title: pages.text("auth_login", context), context: context, errors: errors),
                email: email),
            template: LoginPage.template, status: status)
    }

    // MARK: Sign-up

    @Sendable func signupForm(_ request: Request, context: Context) async throws -> Response {
        let invite = request.uri.queryParameters.get("invite")
        try checkSignupAllowed(invite: invite)
        return signupPage(context: context, name: "", email: "", invite: invite, errors: [])
    }

    @Sendable func signUp(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let invite = form["invite"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let account = try AccountForm(
                email: form.text("email"), displayName: form.text("name"), password: form.text("password"))
            let member = try await services.accounts.signUp(account, inviteToken: invite)
            context.logger.info("Member signed up", metadata: ["member.id": .stringConvertible(member.id)])
            return try await startSession(for: member, request: request, context: context)
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return signupPage(
                context: context, name: form.text("name"), email: form.text("email"), invite: invite, errors: errors,
                status: .unprocessableContent)
        }
    }

    private func checkSignupAllowed(invite: String?) throws {
        switch services.accounts.signupMode {
        case .open: return
        case .inviteOnly where invite != nil: return
        case .inviteOnly:
            throw HearthError.forbidden(
                "This community is open by invitation only. Ask a member of its team for an invitation.")
        case .closed:
            throw HearthError.forbidden("Sign-up is closed in this community. Ask its team for an account.")
        }
    }

    private func signupPage(
        context: Context, name: String, email: String, invite: String?, errors: [String],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let page = AccountFormPage(
            page: pages.chrome(title: pages.text("signup_title", context), context: context, errors: errors),
            heading: pages.text("signup_heading", context),
            intro: nil, action: "/signup", submitLabel: pages.text("signup_submit", context), name: name, email: email,
            invite: invite, linksGuidelines: true)
        return pages.html(page, template: AccountFormPage.template, status: status)
    }

    // MARK: Passwords

    @Sendable func passwordForm(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        return pages.html(
            PasswordChangePage(
                page: pages.chrome(title: pages.text("password_changeTitle", context), context: context)),
            template: PasswordChangePage.template)
    }

    @Sendable func changePassword(_ request: Request, context: Context) async throws -> Response {
        guard let viewer = context.identity else { return SessionCookies.redirect(to: "/login") }
        var request = request
        let form = try await request.form(context: context)
        do {
            try await services.accounts.changePassword(
                of: viewer.member, current: form.text("current_password"), new: form.text("password"),
                keeping: context.session?.id)
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return pages.html(
                PasswordChangePage(
                    page: pages.chrome(
                        title: pages.text("password_changeTitle", context), context: context, errors: errors)),
                template: PasswordChangePage.template, status: .unprocessableContent)
        }
        return message(
            context: context, heading: pages.text("password_changedHeading", context),
            text: pages.text("password_changedText", context))
    }

    @Sendable func forgotForm(_ request: Request, context: Context) async throws -> Response {
        pages.html(
            PasswordForgotPage(
                page: pages.chrome(title: pages.text("password_forgotTitle", context), context: context)),
            template: PasswordForgotPage.template)
    }

    @Sendable func requestReset(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        try await services.accounts.requestPasswordReset(
            email: form.text("email"), clientAddress: context.clientAddress, logger: context.logger)
        return message(
            context: context, heading: pages.text("password_sentHeading", context),
            text: pages.text("password_sentText", context))
    }

    @Sendable func resetForm(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        guard try await services.accounts.isValidResetToken(token) else {
            throw HearthError.notFound("This reset link has already been used or has expired. Ask for a new one.")
        }
        return resetPage(token: token, context: context, errors: [])
    }

    @Sendable func resetPassword(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        var request = request
        let form = try await request.form(context: context)
        let member: Member
        do {
            member = try await services.accounts.resetPassword(token: token, newPassword: form.text("password"))
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return resetPage(token: token, context: context, errors: errors, status: .unprocessableContent)
        }
        return try await startSession(for: member, request: request, context: context)
    }

    private func resetPage(
        token: String, context: Context, errors: [String], status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.html(
            PasswordResetPage(
                page: pages.chrome(title: pages.text("password_resetTitle", context), context: context, errors: errors),
                token: token),
            template: PasswordResetPage.template, status: status)
    }

    // MARK: Shared

    func startSession(for member: Member, request: Request, context: Context, then path: String = "/") async throws
        -> Response
    {
        if let old = request.cookieValue(CookieName.session) {
            try await services.sessions.end(secret: old)
        }
        let (secret, _) = try await services.sessions.start(for: member, userAgent: request.headers[.userAgent])
        var response = SessionCookies.redirect(to: path)
        cookies.signIn(&response, secret: secret)
        return response
    }

    private func message(context: Context, heading: String, text: String) -> Response {
        pages.html(
            MessagePage(page: pages.chrome(title: heading, context: context), heading: heading, message: text),
            template: MessagePage.template)
    }
}
