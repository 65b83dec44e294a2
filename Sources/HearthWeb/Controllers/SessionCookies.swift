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

    func signOut(_ response: inout Response) {
        response.setCookie(
            Cookie(
                name: CookieName.session, value: "", maxAge: 0, path: "/", secure: settings.secureCookies,
                httpOnly: true, sameSite: .lax))
    }

    /// A 303 to `location`, the answer to a successful form post.
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
