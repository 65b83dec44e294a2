import HearthCore
import HearthViews
import Testing

@Suite("Templates")
struct RendererTests {
    @Test("what members type is escaped on every page")
    func escapes() async throws {
        let renderer = try await Renderer.load()
        let viewer = Member(
            id: MemberID(1), email: "x@example.org", handle: "x", displayName: "<script>alert(1)</script>",
            role: .member,
            language: nil, createdAt: .init(timeIntervalSince1970: 0))
        let chrome = PageChrome(
            title: "Log in", communityName: "Café \"Hearth\"", viewer: viewer, csrf: "tok\"en", signupOpen: true,
            errors: ["<b>bad</b>"])
        let html = try renderer.render(
            LoginPage(page: chrome, email: "\"><img src=x onerror=alert(1)>"), template: LoginPage.template)
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<b>bad</b>"))
        #expect(html.contains(#"value="tok&quot;en""#))
        #expect(html.contains("Café &quot;Hearth&quot;"))
    }

    @Test("the password reset e-mail matches its snapshot")
    func resetMailSnapshot() async throws {
        let renderer = try await Renderer.load()
        let text = try renderer.render(
            PasswordResetMail(
                name: "Camille", communityName: "Hearth", link: "https://forum.example.org/password/reset/abc&x=1"),
            template: PasswordResetMail.template)
        #expect(
            text == """
                Hello Camille,

                Someone (hopefully you) asked to reset your password on Hearth.
                Open this link within the hour to choose a new one:

                https://forum.example.org/password/reset/abc&x=1

                If you did not ask for this, ignore this e-mail: your password stays as it is.

                """)
    }
}
