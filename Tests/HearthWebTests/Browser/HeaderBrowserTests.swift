import Foundation
import HearthTestSupport
import Testing

/// The header at phone and desktop widths, with the most it ever holds: the community manager, in English and
/// in French, with unread notifications and items waiting for review.
@Suite("Header in the browser", .serialized)
struct HeaderBrowserTests {
    /// Where each shown part of the header sits: those off the first part's line, and whether anything overflows.
    static let layoutScript = """
        const bar = document.querySelector('.site-header .bar');
        const parts = [...bar.querySelectorAll(':scope > *, .nav-main > a, .nav-tools > *')]
          .filter(e => e.getClientRects().length > 0);
        const middle = e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; };
        const line = middle(parts[0]);
        return JSON.stringify({
          offLine: parts.filter(e => Math.abs(middle(e) - line) > 4).map(e => e.outerHTML.slice(0, 80)),
          overflows: document.documentElement.scrollWidth > window.innerWidth || bar.scrollWidth > bar.clientWidth,
          mainNavShown: getComputedStyle(document.querySelector('.nav-main')).display !== 'none',
          searchInBar: document.querySelector('.nav-tools a[href="/search"]').getClientRects().length > 0,
        });
        """

    struct Layout: Decodable {
        let offLine: [String]
        let overflows: Bool
        let mainNavShown: Bool
        let searchInBar: Bool
    }

    static func layout(_ browser: Browser) async throws -> Layout {
        let json = try await browser.execute(layoutScript) as? String ?? "{}"
        return try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
    }

    @Test("the header stays on one line from 360 px up, in English and French, and folds into its menu below")
    func oneLine() async throws {
        let showcase = try await Showcase.make()
        defer { showcase.community.close() }
        let browser = try await Browser.start()
        try await showcase.community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? showcase.port)"
            do {
                try await browser.steps("header") {
                    try await Showcase.logIn(browser, site: site, email: Showcase.managerEmail)
                    for language in ["en", "fr"] {
                        if language == "fr" {
                            try await browser.click("details.menu summary")
                            try await browser.click("form[action='/language'] button")
                            try await browser.waitFor("<html lang=\"fr\">")
                        }
                        try await browser.open(site + "/")
                        try await browser.waitFor("class=\"badge\" aria-label=\"2 ")
                        try await browser.waitFor("href=\"/review\"")
                        for width in [360, 400, 480, 600, 768, 1024, 1280] {
                            try await browser.viewport(width: width, height: 800)
                            let layout = try await Self.layout(browser)
                            #expect(
                                layout.offLine.isEmpty, "\(language) at \(width) px: off the line: \(layout.offLine)")
                            #expect(!layout.overflows, "\(language) at \(width) px: the header overflows")
                            #expect(layout.searchInBar, "\(language) at \(width) px: search left the bar")
                            #expect(layout.mainNavShown == (width >= 480), "\(language) at \(width) px: main links")
                        }
                        // Below 360 px, search and the rest are in the menu, and the menu opens without a script.
                        try await browser.viewport(width: 320, height: 700)
                        let narrow = try await Self.layout(browser)
                        #expect(narrow.offLine.isEmpty && !narrow.overflows, "\(language) at 320 px: \(narrow)")
                        #expect(!narrow.searchInBar && !narrow.mainNavShown)
                        try await browser.click("details.menu summary")
                        try await browser.click(".menu-panel a.fold-xs[href='/search']")
                        try await browser.waitFor("type=\"search\"")
                        try await browser.viewport(width: 1200, height: 900)
                    }
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
