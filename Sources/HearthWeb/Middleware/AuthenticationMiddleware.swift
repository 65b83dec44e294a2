import HearthCore
import Hummingbird
import HummingbirdAuth

/// Names of the cookies Hearth sets.
enum CookieName {
    static let session = "hearth_session"
    static let csrf = "hearth_csrf"
    /// Marks a browser that has logged in before (see `AccountService.logIn`).
    static let device = "hearth_device"
}

/// Signs in a browser from its session cookie. A plain middleware rather than an `AuthenticatorMiddleware`,
/// because it sets the session (for its CSRF token) on the context as well as the identity.
struct SessionAuthenticator: RouterMiddleware {
    typealias Context = HearthRequestContext
    let sessions: SessionService
    let viewers: ViewerResolver

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if context.identity == nil, let secret = request.cookieValue(CookieName.session),
            let (session, member) = try await sessions.resolve(secret: secret)
        {
            context.identity = try await viewers.viewer(member, credential: .session(session.id))
            context.session = session
        }
        return try await next(request, context)
    }
}

/// Signs in a script from `Authorization: Bearer <api key>`. A bearer that does not match a live key is
/// refused outright rather than treated as anonymous, so a revoked key fails loudly.
struct APIKeyAuthenticator: AuthenticatorMiddleware {
    typealias Context = HearthRequestContext
    let apiKeys: APIKeyService

    func authenticate(request: Request, context: Context) async throws -> Viewer? {
        guard let bearer = request.headers.bearer else { return nil }
        guard let viewer = try await apiKeys.authenticate(secret: bearer.token) else {
            throw HearthError.unauthorized("This API key is unknown or has been revoked.")
        }
        return viewer
    }
}

/// Refuses any write to the API from a read-scoped key before the body is read: the policy refuses it again in
/// Core, but a key that can only read should hear so whatever it sends.
struct ReadOnlyKeyMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if case .apiKey(_, .read) = context.identity?.credential, request.method != .get, request.method != .head {
            throw HearthError.forbidden("This API key can only read.")
        }
        return try await next(request, context)
    }
}
