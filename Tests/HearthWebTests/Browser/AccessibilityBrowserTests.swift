import Foundation
import HearthTestSupport
import Testing

/// axe-core's rules, run in headless Chromium over every page, in the light and the dark scheme. A serious or
/// critical violation fails the test, named by rule, impact, element and page.
@Suite("Accessibility in the browser", .serialized)
struct AccessibilityBrowserTests {
    enum Visitor: String {
        case anonymous, manager
    }

    /// One page to audit. Adding a page is one line in `pages`.
    struct AuditedPage {
        let path: String
        let visitor: Visitor
        /// Whether the header's menu is open, so that its links are audited too.
        let menuOpen: Bool
        init(_ path: String, as visitor: Visitor, menuOpen: Bool = false) {
            self.path = path
            self.visitor = visitor
            self.menuOpen = menuOpen
        }
    }

    /// Every page, as the visitor who sees the most of it.
    static func pages(_ showcase: Showcase) -> [AuditedPage] {
        [
            AuditedPage("/", as: .anonymous),
            AuditedPage("/", as: .anonymous, menuOpen: true),
            AuditedPage("/login", as: .anonymous),
            AuditedPage("/signup", as: .anonymous),
            AuditedPage(showcase.topicPath, as: .anonymous),
            AuditedPage("/", as: .manager),
            AuditedPage("/", as: .manager, menuOpen: true),
            AuditedPage("/latest", as: .manager),
            AuditedPage(showcase.categoryPath, as: .manager),
            AuditedPage(showcase.topicPath, as: .manager),
            AuditedPage("/new-topic", as: .manager),
            AuditedPage("/blog", as: .manager),
            AuditedPage(showcase.articlePath, as: .manager),
            AuditedPage("/search?q=question", as: .manager),
            AuditedPage(showcase.managerPath, as: .manager),
            AuditedPage(showcase.authorPath, as: .manager),
            AuditedPage("/profile", as: .manager),
            AuditedPage("/notifications", as: .manager),
            AuditedPage("/password", as: .manager),
            AuditedPage("/guidelines", as: .manager),
            AuditedPage("/review", as: .manager),
            AuditedPage("/inbox", as: .manager),
            AuditedPage("/feedback", as: .manager),
            AuditedPage("/feedback/1", as: .manager),
            AuditedPage("/feedback/candidates", as: .manager),
            AuditedPage("/admin/webhooks", as: .manager),
            AuditedPage("/health?range=month", as: .manager),
            AuditedPage("/letters", as: .manager),
            AuditedPage("/review/overnight", as: .manager),
            AuditedPage("/watched-words", as: .manager),
            AuditedPage("/moderation-log", as: .manager),
            AuditedPage("/admin/settings", as: .manager),
            AuditedPage("/admin/first-steps", as: .manager),
            AuditedPage("/admin/categories", as: .manager),
            AuditedPage("/admin/members", as: .manager),
            AuditedPage("/admin/invitations", as: .manager),
            AuditedPage("/admin/api-keys", as: .manager),
            AuditedPage("/admin/sources", as: .manager),
            AuditedPage("/confirm-email", as: .manager),
        ]
    }

    /// axe-core's script: `HEARTH_AXE_SCRIPT`, else the copy inside PyPI's `axe-core-python`.
    static func axeScript() throws -> String? {
        if let path = ProcessInfo.processInfo.environment["HEARTH_AXE_SCRIPT"], !path.isEmpty {
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        guard let python = TestEnvironment.executable("python3") else { return nil }
        let process = try ChildProcess(
            [
                python, "-c",
                "import axe_core_python, os; print(os.path.join(os.path.dirname(axe_core_python.__file__), 'axe.min.js'))",
            ], output: .pipe(errors: false))
        let path = process.readOutput().trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.waitUntilExit() == 0, FileManager.default.fileExists(atPath: path) else { return nil }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Runs axe on the open page and returns its violations, one line each, serious and critical ones first.
    static func audit(_ browser: Browser, axe: String, page: String) async throws -> [(serious: Bool, line: String)] {
        if try await browser.execute("return typeof axe") as? String != "object" {
            try await browser.execute(axe)
        }
        let answer = try await browser.executeAsync(
            """
            const done = arguments[arguments.length - 1];
            // Pages are opened once their HTML is read; colours are only right once the stylesheet is in.
            const loaded = document.readyState === 'complete'
              ? Promise.resolve() : new Promise(r => addEventListener('load', r, {once: true}));
            loaded.then(() => axe.run(document, {resultTypes: ['violations']})).then(
              r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' (' +
                  n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200) + ')' : ''))})))),
              e => done(JSON.stringify({error: String(e)})))
            """)
        let data = Data((answer as? String ?? "[]").utf8)
        guard let violations = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw Browser.Failure(description: "axe failed on \(page): \(answer ?? "no answer")")
        }
        return violations.flatMap { violation -> [(serious: Bool, line: String)] in
            let impact = violation["impact"] as? String ?? "?"
            let serious = impact == "serious" || impact == "critical"
            let id = violation["id"] as? String ?? "?"
            let help = violation["help"] as? String ?? ""
            return (violation["targets"] as? [String] ?? []).map {
                (serious, "\(page): \(id) [\(impact)] \($0) — \(help)")
            }
        }
    }

    @Test("no page has a serious or critical axe-core violation, in the light or the dark scheme")
    func everyPage() async throws {
        guard let axe = try Self.axeScript() else {
            let reason =
                "axe-core's script was not found (pip install axe-core-python, or set HEARTH_AXE_SCRIPT to axe.min.js)"
            if TestEnvironment.requireAxe {
                throw Browser.Failure(description: "HEARTH_TEST_REQUIRE_AXE is set but \(reason)")
            }
            try Test.cancel("Skipped the accessibility audit: \(reason).")
        }
        let showcase = try await Showcase.make()
        defer { showcase.community.close() }
        let browser = try await Browser.start()
        let findings = Findings()
        try await showcase.community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? showcase.port)"
            do {
                try await browser.steps("accessibility") {
                    // The audit must be able to fail: an image without a text alternative and faint text are found.
                    try await browser.open(site + "/guidelines")
                    try await browser.execute(
                        """
                        const main = document.querySelector('main');
                        main.append(document.createElement('img'));
                        const faint = document.createElement('p');
                        faint.textContent = 'Faint words';
                        faint.style.color = '#dddddd';
                        main.append(faint);
                        """)
                    let planted = try await Self.audit(browser, axe: axe, page: "planted")
                    for rule in ["image-alt", "color-contrast"] {
                        #expect(planted.contains { $0.line.contains(rule) }, "axe-core did not find a planted \(rule)")
                    }
                    var loggedIn = false
                    for page in Self.pages(showcase).sorted(by: { $0.visitor == .anonymous && $1.visitor != .anonymous }
                    ) {
                        if page.visitor == .manager, !loggedIn {
                            try await Showcase.logIn(browser, site: site, email: Showcase.managerEmail)
                            loggedIn = true
                        }
                        try await browser.open(site + page.path)
                        if page.menuOpen { try await browser.click("details.menu summary") }
                        for dark in [false, true] {
                            try await browser.colorScheme(dark: dark)
                            let scheme = try await browser.execute(
                                "return matchMedia('(prefers-color-scheme: dark)').matches")
                            #expect(
                                scheme as? Bool == dark, "the page did not take the \(dark ? "dark" : "light") scheme")
                            let name =
                                "\(page.path) as \(page.visitor.rawValue)\(page.menuOpen ? ", menu open" : ""), \(dark ? "dark" : "light")"
                            await findings.add(try await Self.audit(browser, axe: axe, page: name))
                        }
                        try await browser.colorScheme(dark: false)
                    }
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let (serious, minor) = await (findings.serious, findings.minor)
        if !minor.isEmpty {
            print("axe-core, moderate and minor (not failing):\n" + minor.joined(separator: "\n"))
        }
        #expect(serious.isEmpty, "axe-core found serious or critical violations:\n\(serious.joined(separator: "\n"))")
    }

    /// The violations found, gathered across the pages.
    actor Findings {
        var serious: [String] = []
        var minor: [String] = []

        func add(_ found: [(serious: Bool, line: String)]) {
            for (isSerious, line) in found {
                if isSerious { serious.append(line) } else { minor.append(line) }
            }
        }
    }
}
