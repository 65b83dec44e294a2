import HTTPTypes
import HearthCore
import Hummingbird

/// Every state-changing form carries a secret the page gave it: the session's token when signed in, else a
/// random token kept in an HttpOnly cookie. A cross-site page cannot read either, so it cannot forge a
/// form. API calls authenticated by a bearer key carry no cookies and need no token; API calls riding on a
/// session cookie must send it in `X-CSRF-Token`.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    let secureCookies: Bool
    /// Renders a refusal here, where the context knows the visitor's token and language, so that the error
    /// page's own forms (log out, language) still work.
    let errors: ErrorMiddleware
    /// How much of a multipart form (a post with an image) may be read to find its token.
    var multipartLimit: Int = 6_000_000
    static let headerName = HTTPField.Name("X-CSRF-Token")!
    static let fieldName = "csrf"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        var request = request
        let cookieToken = request.cookies[CookieName.csrf]?.value
        var newCookieToken: String?
        if let session = context.session {
            context.csrfToken = session.csrfToken
        } else if let cookieToken, !cookieToken.isEmpty {
            context.csrfToken = cookieToken
        } else {
            let token = SecretToken.generate()
            newCookieToken = token
            context.csrfToken = token
        }

        var response: Response
        if Self.isStateChanging(request.method), Self.needsToken(request, context: context),
            try await !isValid(&request, context: context, isNewVisitor: newCookieToken != nil)
        {
            response = try await errors.handle(request, context: context) { _, _ in
                throw HearthError.forbidden(
                    "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        } else {
            response = try await next(request, context)
        }
        if let newCookieToken {
            response.setCookie(
                Cookie(
                    name: CookieName.csrf, value: newCookieToken, path: "/", secure: secureCookies, httpOnly: true,
                    sameSite: .lax))
        }
        return response
    }

    private static func isStateChanging(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    /// Bearer-authenticated API calls are exempt: nothing a browser sends automatically authenticates them.
    private static func needsToken(_ request: Request, context: Context) -> Bool {
        if case .apiKey = context.identity?.credential { return false }
        return true
    }

    private func isValid(_ request: inout Request, context: Context, isNewVisitor: Bool) async throws -> Bool {
        guard let sent = try await sentToken(&request, context: context), !isNewVisitor else { return false }
        return SecretToken.constantTimeEquals(sent, context.csrfToken)
    }

    private func sentToken(_ request: inout Request, context: Context) async throws -> String? {
        if let header = request.headers[Self.headerName] { return header }
        if let form = try await request.multipartForm(limit: multipartLimit) { return form.fields[Self.fieldName] }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return nil
        }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return FormFields(String(buffer: body))[Self.fieldName]
    }
}

/// A parsed `application/x-www-form-urlencoded` body.
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { continue }
            let name = Self.decode(rawName)
            if values[name] == nil {
                values[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
            }
        }
    }

    subscript(name: String) -> String? { values[name] }

    init(values: [String: String]) {
        self.values = values
    }

    /// The field's value, or "" when absent.
    func text(_ name: String) -> String { values[name] ?? "" }

    private static func decode(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }
}

extension Request {
    /// Reads the body as a form.
    mutating func form(context: HearthRequestContext) async throws -> FormFields {
        let body = try await collectBody(upTo: context.maxUploadSize)
        return FormFields(String(buffer: body))
    }
}
