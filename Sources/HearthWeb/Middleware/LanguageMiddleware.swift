import HearthCore
import HearthViews
import Hummingbird

/// Decides the language of the answer: the member's own setting, else the `hearth_lang` cookie the
/// language switch sets for visitors, else the browser's `Accept-Language`, else the community's default.
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    static let cookieName = "hearth_lang"
    let community: LiveSettings

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.language =
            context.identity?.member.language
            ?? request.cookieValue(Self.cookieName).flatMap(Language.init(rawValue:))
            ?? Localization.negotiate(acceptLanguage: request.headers[.acceptLanguage])
            ?? community.current.language
        var response = try await next(request, context)
        response.headers[.contentLanguage] = context.language.rawValue
        if response.headers[.vary] == nil { response.headers[.vary] = "Accept-Language, Cookie" }
        return response
    }
}
