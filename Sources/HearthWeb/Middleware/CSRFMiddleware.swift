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
    var multipartLimit: @Sendable () -> Int = { 6_000_000 }
    static let headerName = HTTPField.Name("X-CSRF-Token")!
    static let fieldName = "csrf"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        var request = request
        let cookieToken = request.cookieValue(CookieName.csrf)
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
        // A webhook source's address ignores who is logged in: its signature alone lets a post in.
        let path = request.uri.path
        if path.hasPrefix("/api/v1/sources/"), path.hasSuffix("/hook") { return false }
        return true
    }

    private func isValid(_ request: inout Request, context: Context, isNewVisitor: Bool) async throws -> Bool {
        guard let sent = try await sentToken(&request, context: context), !isNewVisitor else { return false }
        return SecretToken.constantTimeEquals(sent, context.csrfToken)
    }

    private func sentToken(_ request: inout Request, context: Context) async throws -> String? {
        if let header = request.headers[Self.headerName] { return header }
        if let form = try await request.multipartForm(limit: multipartLimit()) { return form.fields[Self.fieldName] }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return nil
        }
        let body = try await request.collectBody(within: context.maxUploadSize)
        return FormFields(String(buffer: body))[Self.fieldName]
    }
}

/// A parsed `application/x-www-form-urlencoded` body.
struct FormFields: Sendable {
    private var values: [String: String] = [:]
    /// Later values of names sent more than once (checkboxes), in order.
    private var repeated: [String: [String]] = [:]

    /// The first value of each name wins. A name or value that is not valid percent-encoded UTF-8 reads as "".
    init(_ body: String) {
        let bytes = Array(body.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            let pair = bytes[start..<end]
            start = end + 1
            guard !pair.isEmpty else { continue }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = Self.decode(pair[..<(equals ?? pair.endIndex)])
            let value = equals.map { Self.decode(pair[($0 + 1)...]) } ?? ""
            if values[name] == nil {
                values[name] = value
            } else {
                repeated[name, default: []].append(value)
            }
        }
    }

    subscript(name: String) -> String? { values[name] }

    init(values: [String: String]) {
        self.values = values
    }

    /// The field's value, or "" when absent.
    func text(_ name: String) -> String { values[name] ?? "" }

    /// Every value sent under the name (ticked checkboxes), in order.
    func all(_ name: String) -> [String] { (values[name].map { [$0] } ?? []) + repeated[name, default: []] }

    /// `+` is a space and `%XX` a byte; done on bytes because Foundation's string replacing was a tenth of the
    /// cost of posting a reply.
    static func decode(_ part: ArraySlice<UInt8>) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(part.count)
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex, let high = hexValue(part[index + 1]),
                    let low = hexValue(part[index + 2])
                else { return "" }
                decoded.append(high << 4 | low)
                index += 2
            } else {
                decoded.append(byte)
            }
            index += 1
        }
        return (String(validating: decoded, as: UTF8.self) ?? "").withoutXMLForbiddenCharacters
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// Reads the body as a form.
    mutating func form(context: HearthRequestContext) async throws -> FormFields {
        let body = try await collectBody(within: context.maxUploadSize)
        return FormFields(String(buffer: body))
    }
}
