import HTTPTypes
import HearthCore
import HearthViews
import Hummingbird
import HummingbirdAuth

/// Builds Hearth's router: middleware in order, then each area's controller.
public func buildRouter(services: WebServices, renderer: Renderer, settings: WebSettings) -> Router<
    HearthRequestContext
> {
    let router = Router(context: HearthRequestContext.self)
    let pages = PageRenderer(renderer: renderer, settings: settings)
    router.addMiddleware {
        RequestIDMiddleware()
        CommunitySettingsMiddleware(community: settings.community, now: services.now)
        ClientAddressMiddleware(trustedProxies: settings.trustedProxies)
        SecurityHeadersMiddleware()
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
        ErrorMiddleware(pages: pages)
        APIKeyAuthenticator(apiKeys: services.apiKeys)
        SessionAuthenticator(sessions: services.sessions, viewers: services.viewers)
        LanguageMiddleware(community: settings.community)
        CSRFMiddleware(
            secureCookies: settings.secureCookies, errors: ErrorMiddleware(pages: pages),
            // The article form carries two images (cover and product), so twice the upload limit.
            multipartLimit: { [uploads = services.uploads] in uploads.maximumBytes * 2 + 200_000 })
        // Again, inside: errors from handlers get a page in the visitor's language, with their name and the
        // CSRF token in its forms. The outer one catches what the authenticators and CSRF check throw.
        ErrorMiddleware(pages: pages)
    }
    let cookies = SessionCookies(settings: settings)
    let auth = AuthController(services: services, pages: pages, cookies: cookies)
    auth.addRoutes(to: router)
    SetupController(services: services, pages: pages, auth: auth).addRoutes(to: router)
    let forumPages = ForumPages(services: services, pages: pages)
    ForumController(shared: forumPages).addRoutes(to: router)
    PostController(shared: forumPages).addRoutes(to: router)
    SearchController(shared: forumPages).addRoutes(to: router)
    BlogController(shared: forumPages).addRoutes(to: router)
    FeedController(forum: services.forum, blog: services.blog, settings: settings).addRoutes(to: router)
    UploadController(uploads: services.uploads).addRoutes(to: router)
    MemberController(shared: forumPages, secureCookies: settings.secureCookies).addRoutes(to: router)
    ModerationController(shared: forumPages).addRoutes(to: router)
    ConsoleController(shared: forumPages).addRoutes(to: router)
    EmailConfirmationController(shared: forumPages).addRoutes(to: router)
    AdminMembersController(shared: forumPages).addRoutes(to: router)
    DelegationController(shared: forumPages).addRoutes(to: router)
    PeopleController(shared: forumPages).addRoutes(to: router)
    InboxController(shared: forumPages).addRoutes(to: router)
    FeedbackController(shared: forumPages).addRoutes(to: router)
    HealthController(shared: forumPages, settings: settings).addRoutes(to: router)
    LettersController(shared: forumPages, settings: settings).addRoutes(to: router)
    SourcesController(shared: forumPages, publicURL: settings.publicURL).addRoutes(to: router)
    OperationsController(services: services, metricsAllowed: settings.metricsAllowed).addRoutes(to: router)
    AssetController().addRoutes(to: router)
    let api = router.group("/api/v1").add(middleware: ReadOnlyKeyMiddleware())
    APIController(services: services).addRoutes(to: api)
    ModerationAPI(services: services).addRoutes(to: api)
    ConsoleAPI(services: services).addRoutes(to: api)
    MembersAPI(services: services).addRoutes(to: api)
    InboxAPI(services: services).addRoutes(to: api)
    FeedbackAPI(services: services, publicURL: settings.publicURL).addRoutes(to: api)
    DelegationAPI(services: services).addRoutes(to: api)
    PeopleAPI(services: services, localization: renderer.localization).addRoutes(to: api)
    LettersAPI(services: services, settings: settings, renderer: renderer).addRoutes(to: api)
    SourcesAPI(services: services, publicURL: settings.publicURL).addRoutes(to: api)
    // Last, so that it knows every route: it then runs only for the requests that no route matched.
    router.add(middleware: UndeclaredMethodMiddleware(routes: router.routes))
    return router
}

/// Echoes the request id (the one on every log line about the request) in `X-Request-Id`, so that a
/// person reporting a problem can quote it.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = context.id
        return response
    }
}

/// Brings the community's settings up to date (at most a read every few seconds), so that a change the
/// community manager saved, here or on another process, shows on the next pages.
struct CommunitySettingsMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    let community: LiveSettings
    let now: Now

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        await community.refresh(at: now())
        return try await next(request, context)
    }
}
