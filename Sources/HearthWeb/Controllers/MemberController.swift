import HearthCore
import HearthViews
import Hummingbird

/// Profiles, notifications and the language switch.
struct MemberController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let secureCookies: Bool

    var forum: ForumService { shared.forum }
    var profiles: ProfileService { shared.services.profiles }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/u/:handle", use: profile)
        router.post("/u/:handle/flag", use: flagProfile)
        router.post("/u/:handle/role", use: changeRole)
        router.post("/u/:handle/password-reset", use: sendPasswordReset)
        router.post("/u/:handle/anonymise", use: anonymise)
        router.post("/u/:handle/trust", use: setTrust)
        router.get("/notifications", use: notifications)
        router.get("/profile", use: profileForm)
        router.post("/profile", use: updateProfile)
        router.post("/language", use: language)
        router.get("/language", use: visitorLanguage)
    }

    /// A member reports a profile; they are told only that the moderators will look.
    @Sendable func flagProfile(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        let form = try await request.form(context: context)
        guard let reason = FlagReason(rawValue: form.text("reason")) else {
            throw HearthError.invalid("reason", "Choose why this profile needs a moderator.")
        }
        try await shared.services.moderation.flag(
            context.identity, member: member.id, reason: reason, message: form.text("message"))
        let view = MessagePage(
            page: try await shared.frame(pages.text("profile_flag", context), context),
            heading: pages.text("profile_flag", context), message: pages.text("profile_flagged", context),
            linkURL: Paths.member(member.handle), linkLabel: member.displayName)
        return pages.html(view, template: MessagePage.template)
    }

    @Sendable func profile(_ request: Request, context: Context) async throws -> Response {
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        return try await profilePage(member, errors: [], context: context)
    }

    /// The profile, with the staff's actions for those the policy allows, and `errors` from a refused one.
    func profilePage(
        _ member: Member, errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let members = shared.services.members
        let services = shared.services
        let standing = try await services.people.standing(of: member.id, viewer: context.identity).map {
            StandingView(
                $0, handle: member.handle,
                canSetTrust: services.policy.decide(
                    context.identity, .setTrustLevel, on: .member(member.id), at: services.now()
                ).isAllowed,
                words: PeopleWords(
                    localization: pages.renderer.localization, language: context.language,
                    timeZone: services.delegation.communityTimeZone))
        }
        let page = ProfilePage(
            page: try await shared.frame(member.displayName, context, errors: errors, notice: notice), member: member,
            bioHTML: SafeMarkdown().render(member.bio),
            roleName: member.role == .member ? nil : pages.text("role_\(member.role.rawValue)", context),
            activity: try await members.activity(context.identity, of: member.id),
            powers: members.powers(context.identity, over: member), isOwn: member.id == context.identity?.member.id,
            canFlag: context.identity != nil, standing: standing, localization: pages.renderer.localization,
            language: context.language)
        return pages.html(page, template: ProfilePage.template, status: status)
    }

    @Sendable func profileForm(_ request: Request, context: Context) async throws -> Response {
        guard let member = context.identity?.member else { return SessionCookies.redirect(to: "/login") }
        return try await profileFormPage(
            name: member.displayName, bio: member.bio, avatarPath: member.avatarPath, language: member.language,
            errors: [], context: context)
    }

    /// Saves the profile; a chosen picture is uploaded and becomes the avatar.
    @Sendable func updateProfile(_ request: Request, context: Context) async throws -> Response {
        var request = request
        guard let member = context.identity?.member else { return SessionCookies.redirect(to: "/login") }
        guard let form = try await request.multipartForm(limit: shared.services.uploads.maximumBytes + 100_000) else {
            throw HearthError.invalid("avatar", "Send the profile form as multipart/form-data.")
        }
        var avatar = form.fields["avatarPath"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = form.files["avatar"] {
            avatar = try await shared.services.uploads.store(context.identity, bytes: file.bytes).path
        }
        let language = Language(rawValue: form.text("language"))
        do {
            try await profiles.updateProfile(
                context.identity, displayName: form.text("name"), bio: form.text("bio"), avatarPath: avatar,
                language: language)
            return SessionCookies.redirect(to: Paths.member(member.handle))
        } catch HearthError.validation(let fields) {
            return try await profileFormPage(
                name: form.text("name"), bio: form.text("bio"), avatarPath: avatar, language: language,
                errors: fields.map(\.message), status: .unprocessableContent, context: context)
        }
    }

    private func profileFormPage(
        name: String, bio: String, avatarPath: String?, language: Language?, errors: [String],
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let page = ProfileFormPage(
            page: try await shared.frame(pages.text("profile_edit", context), context, errors: errors), name: name,
            bio: bio, avatarPath: avatarPath, language: language, localization: pages.renderer.localization)
        return pages.html(page, template: ProfileFormPage.template, status: status)
    }

    /// Shows the latest notifications, the unread ones marked, then counts them all as read.
    @Sendable func notifications(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let items = try await forum.notifications(context.identity, limit: 50)
        let notices = try await shared.services.roleReports.notices(context.identity)
        let page = NotificationsPage(
            page: try await shared.frame(pages.text("notifications_heading", context), context), notifications: items,
            notices: notices, feedback: try await shared.services.feedback.notices(context.identity),
            localization: pages.renderer.localization, language: context.language)
        try await forum.markNotificationsRead(context.identity, ids: items.filter { $0.readAt == nil }.map(\.id))
        try await shared.services.roleReports.markNoticesRead(context.identity)
        try await shared.services.feedback.markNoticesRead(context.identity)
        return pages.html(page, template: NotificationsPage.template)
    }

    /// Switches the interface language: saved on the member's account, or in a cookie for visitors.
    @Sendable func language(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard let language = Language(rawValue: form.text("language")) else {
            throw HearthError.invalid("language", "Choose French or English.")
        }
        if context.identity != nil { try await profiles.setLanguage(context.identity, language) }
        return languageResponse(language, request: request)
    }

    private func languageResponse(_ language: Language, request: Request) -> Response {
        let back = request.headers[.referer].flatMap(LocalPath.fromReferer) ?? "/"
        var response = SessionCookies.redirect(to: back)
        response.setCookie(
            Cookie(
                name: LanguageMiddleware.cookieName, value: language.rawValue, maxAge: 365 * 86_400, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The language link visitors see: only a cookie changes, so it is a plain link and anonymous pages carry no
    /// per-visitor token (which lets them be cached). A GET never changes what is stored: another site can make a
    /// browser follow this link, so a member's saved language changes only by the form (a POST with the token).
    @Sendable func visitorLanguage(_ request: Request, context: Context) async throws -> Response {
        // Without a language (the language form's address opened again, a link cut short), the home page.
        guard let language = request.uri.queryParameters.get("to").flatMap(Language.init(rawValue:)) else {
            return SessionCookies.redirect(to: "/")
        }
        return languageResponse(language, request: request)
    }
}
