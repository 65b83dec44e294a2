import HearthCore
import HearthViews
import Hummingbird

/// Profiles, notifications and the language switch.
struct MemberController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let secureCookies: Bool

    var forum: ForumService { shared.forum }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/u/:handle", use: profile)
        router.get("/notifications", use: notifications)
        router.post("/language", use: language)
        router.get("/language", use: visitorLanguage)
    }

    @Sendable func profile(_ request: Request, context: Context) async throws -> Response {
        let member = try await forum.member(handle: context.parameters.get("handle") ?? "")
        let recent = try await forum.topicList(context.identity, author: member.id, limit: 10)
        let page = ProfilePage(
            page: try await shared.frame(member.displayName, context), member: member,
            bioHTML: SafeMarkdown().render(member.bio),
            roleName: member.role == .member ? nil : pages.text("role_\(member.role.rawValue)", context),
            joined: Localization.date(member.createdAt, context.language),
            recent: try await shared.listItems(recent, context))
        return pages.html(page, template: ProfilePage.template)
    }

    /// Shows the latest notifications, the unread ones marked, then counts them all as read.
    @Sendable func notifications(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let items = try await forum.notifications(context.identity, limit: 50)
        let page = NotificationsPage(
            page: try await shared.frame(pages.text("notifications_heading", context), context), notifications: items,
            localization: pages.renderer.localization, language: context.language)
        try await forum.markNotificationsRead(context.identity, ids: items.filter { $0.readAt == nil }.map(\.id))
        return pages.html(page, template: NotificationsPage.template)
    }

    /// Switches the interface language: saved on the member's account, or in a cookie for visitors.
    @Sendable func language(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard let language = Language(rawValue: form.text("language")) else {
            throw HearthError.invalid("language", "Choose French or English.")
        }
        if context.identity != nil { try await forum.setLanguage(context.identity, language) }
        return languageResponse(language, request: request)
    }

    private func languageResponse(_ language: Language, request: Request) -> Response {
        let back = request.headers[.referer].flatMap(Self.sameSitePath) ?? "/"
        var response = SessionCookies.redirect(to: back)
        response.setCookie(
            Cookie(
                name: LanguageMiddleware.cookieName, value: language.rawValue, maxAge: 365 * 86_400, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The language link visitors see: only a cookie changes, so it is a plain link and anonymous pages carry no
    /// per-visitor token (which lets them be cached).
    @Sendable func visitorLanguage(_ request: Request, context: Context) async throws -> Response {
        guard let language = request.uri.queryParameters.get("to").flatMap(Language.init(rawValue:)) else {
            throw HearthError.invalid("language", "Choose French or English.")
        }
        if context.identity != nil { try await forum.setLanguage(context.identity, language) }
        return languageResponse(language, request: request)
    }

    /// The path of a Referer from this site, so the switch returns to the same page and never elsewhere.
    static func sameSitePath(_ referer: String) -> String? {
        guard let schemeEnd = referer.range(of: "://") else {
            return referer.hasPrefix("/") && !referer.hasPrefix("//") ? referer : nil
        }
        let rest = referer[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...])
    }
}
