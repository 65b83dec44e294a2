import HearthCore
import Hummingbird

/// Sets and clears the session cookie with the same attributes everywhere.
struct SessionCookies: Sendable {
    let settings: WebSettings

    func signIn(_ response: inout Response, secret: String) {
        response.setCookie(
            Cookie(
                name: CookieName.session, value: secret, maxAge: settings.sessionLifetimeSeconds, path: "/",
                secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
    }

    /// The device cookie: long-lived, and scoped to `/login`, the only place that reads it.
    func trustDevice(_ response: inout Response, secret: String) {
        response.setCookie(
            Cookie(
                name: CookieName.device, value: secret, maxAge: Int(AccountService.trustedDeviceLifetime),
                path: "/login",
                secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
    }

    func signOut(_ response: inout Response) {
        response.setCookie(
            Cookie(
                name: CookieName.session, value: "", maxAge: 0, path: "/", secure: settings.secureCookies,
                httpOnly: true, sameSite: .lax))
    }

    /// A 303 to `location`, the answer to a successful form post. Every redirect Hearth sends goes through here,
    /// and only to a path on this site: anything else (`//evil.example/`, `/\\evil.example`, a full address)
    /// goes home instead.
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: LocalPath.checked(location) ?? "/"])
    }
}

/// Paths on this site, as redirect targets.
enum LocalPath {
    /// `path` when it is a path on this site: it starts with one "/" and no second "/" or "\\" (which browsers
    /// read as the start of another host), and holds no space or control character (which browsers drop,
    /// turning "/\t/evil.example" into "//evil.example").
    static func checked(_ path: String) -> String? {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return nil }
        guard !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        return path
    }

    /// The path (and query) of a `Referer`, when it is a path on this site; the host is not trusted, only the path
    /// is kept, so at worst the visitor lands on another page of ours.
    static func fromReferer(_ referer: String) -> String? {
        guard let schemeEnd = referer.range(of: "://") else { return checked(referer) }
        let rest = referer[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return checked(String(rest[slash...]))
    }
}
