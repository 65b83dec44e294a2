import Foundation
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

@Suite("Interface strings")
struct LocalizationTests {
    @Test("every {{t.key}} in every template exists in English and in French, and the two tables match")
    func complete() throws {
        let localization = try Localization.load()
        let english = localization.table(.english)
        let french = localization.table(.french)
        #expect(Set(english.keys) == Set(french.keys))
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/HearthViews/Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter {
            $0.hasSuffix(".mustache")
        }
        #expect(files.count > 20)
        var used: Set<String> = []
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([A-Za-z_]+)\}\}/) { used.insert(String(match.1)) }
        }
        #expect(used.count > 50)
        #expect(used.subtracting(english.keys).isEmpty, "missing in en.json")
        #expect(used.subtracting(french.keys).isEmpty, "missing in fr.json")
        // Words French uses as they are.
        let same: Set = ["nav_notifications", "notifications_heading", "role_community_manager"]
        for (key, value) in french where value == english[key] && value.count > 12 && !same.contains(key) {
            Issue.record("\(key) is not translated: \(value)")
        }
    }

    @Test("Accept-Language picks the best of French and English by weight")
    func negotiation() {
        #expect(Localization.negotiate(acceptLanguage: "fr-CA,fr;q=0.9,en;q=0.8") == .french)
        #expect(Localization.negotiate(acceptLanguage: "de-DE,en;q=0.3,fr;q=0.5") == .french)
        #expect(Localization.negotiate(acceptLanguage: "en-US,en;q=0.9") == .english)
        #expect(Localization.negotiate(acceptLanguage: "de, es") == nil)
        #expect(Localization.negotiate(acceptLanguage: "fr;q=0") == nil)
        #expect(Localization.negotiate(acceptLanguage: nil) == nil)
    }

    @Test("dates read as Foundation's en_GB and fr_FR styles write them, in UTC, from the Gregorian reform on")
    func datesMatchFoundation() {
        func style(_ locale: String) -> Date.FormatStyle {
            var style = Date.FormatStyle(
                date: .abbreviated, time: .shortened, locale: Locale(identifier: locale),
                timeZone: TimeZone(identifier: "UTC")!)
            style.calendar = Calendar(identifier: .gregorian)
            return style
        }
        let english = style("en_GB")
        let french = style("fr_FR")
        var generator = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [
            0, -1, 59.999, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800, 1_795_560_475.9, -12_219_292_800,
        ]
        let random = (0..<2000).map { _ in
            TimeInterval(Int64.random(in: -5_000_000_000...10_000_000_000, using: &generator))
        }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Localization.date(date, .english) == date.formatted(english), "\(seconds)")
            #expect(Localization.date(date, .french) == date.formatted(french), "\(seconds)")
            #expect(Localization.isoDate(date) == date.formatted(.iso8601), "\(seconds)")
        }
    }
}

@Suite("Fragment cache")
struct FragmentCacheTests {
    @Test("a key is rendered once, then served from the cache")
    func rendersOnce() {
        let cache = FragmentCache<String>(budgetBytes: 1000)
        var renders = 0
        for _ in 0..<3 {
            let html = cache.fragment("a") {
                renders += 1
                return "<p>a</p>"
            }
            #expect(html == "<p>a</p>")
        }
        #expect(renders == 1)
    }

    @Test("memory stays within the budget, and what is still read survives what is not")
    func boundedKeepingWhatIsRead() {
        let cache = FragmentCache<Int>(budgetBytes: 400)  // two generations of 200 bytes
        let tenBytes = String(repeating: "x", count: 10)
        var renders = 0
        func read(_ key: Int) {
            _ = cache.fragment(key) {
                renders += 1
                return tenBytes
            }
        }
        for key in 0..<100 {
            read(key)
            read(0)  // the popular fragment, read between every other
        }
        #expect(cache.count <= 40)
        renders = 0
        read(0)
        #expect(renders == 0, "the fragment read all along is still held")
        read(1)
        #expect(renders == 1, "a fragment read once, long ago, was let go")
    }

    @Test("a fragment bigger than a generation is rendered each time and held nowhere")
    func oversized() {
        let cache = FragmentCache<Int>(budgetBytes: 20)
        _ = cache.fragment(1) { String(repeating: "y", count: 11) }
        #expect(cache.count == 0)
    }
}
