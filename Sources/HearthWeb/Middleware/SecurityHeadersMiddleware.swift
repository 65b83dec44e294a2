import HTTPTypes
import Hummingbird

/// Headers that keep every answer from being framed, sniffed or leaking full addresses, and a Content-Security-
/// Policy with no inline script or style: pages load their one stylesheet from `/assets/`, images from here or
/// https (SafeMarkdown allows only those), and nothing may put a Hearth page in a frame.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    static let policyHeader = HTTPField.Name("Content-Security-Policy")!
    static let frameHeader = HTTPField.Name("X-Frame-Options")!
    static let headers: [(HTTPField.Name, String)] = [
        (policyHeader, contentSecurityPolicy),
        (frameHeader, "DENY"),
        (.xContentTypeOptions, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "strict-origin-when-cross-origin"),
    ]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        for (name, value) in Self.headers where response.headers[name] == nil {
            response.headers[name] = value
        }
        return response
    }
}
