import Foundation
import HearthTestSupport
import Testing

/// The README's screenshots, taken again on demand:
/// `HEARTH_SCREENSHOTS=docs/screenshots swift test --filter Screenshot` writes `<page>-<scheme>.png` there.
@Suite(
    "Screenshots", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["HEARTH_SCREENSHOTS"] != nil, "set HEARTH_SCREENSHOTS to a folder")
)
struct ScreenshotTests {
    @Test("the home page, a topic, a profile, the console, the inbox and the health dashboard, light and dark")
    func readme() async throws {
        let folder = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["HEARTH_SCREENSHOTS"] ?? "docs/screenshots",
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let showcase = try await Showcase.make()
        defer { showcase.community.close() }
        try await showcase.community.services.health.rollUp()
        let shots = [
            ("home", "/"), ("topic", showcase.topicPath), ("profile", showcase.authorPath),
            ("console", "/admin/settings"), ("console-categories", "/admin/categories"), ("inbox", "/inbox"),
            ("health", "/health?range=month"),
        ]
        let browser = try await Browser.start()
        try await showcase.community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? showcase.port)"
            do {
                try await browser.steps("screenshots") {
                    try await Showcase.logIn(browser, site: site, email: Showcase.managerEmail)
                    try await browser.viewport(width: 1280, height: 800)
                    try await browser.devTools("Emulation.setScrollbarsHidden", ["hidden": true])
                    for (name, path) in shots {
                        try await browser.open(site + path)
                        for dark in [false, true] {
                            try await browser.colorScheme(dark: dark)
                            let file = folder.appendingPathComponent("\(name)-\(dark ? "dark" : "light").png")
                            try await browser.png().write(to: file)
                        }
                    }
                    // The dashboard's charts, scrolled into view.
                    try await browser.open(site + "/health?range=month")
                    try await browser.execute("document.querySelector('figure.chart-figure').scrollIntoView()")
                    try await browser.png().write(to: folder.appendingPathComponent("health-charts-dark.png"))
                    try await browser.colorScheme(dark: false)
                    try await browser.png().write(to: folder.appendingPathComponent("health-charts-light.png"))
                    // A week later, the letter about the showcase's week, as the community manager edits it.
                    showcase.community.clock.advance(by: 7 * 86_400)
                    let letter = try await showcase.community.services.letters.draft(
                        week: showcase.community.services.letters.lastWeek)
                    try await browser.open(site + "/letters/\(letter.week)")
                    try await browser.waitFor("<iframe")
                    try await Task.sleep(for: .milliseconds(300))
                    try await browser.png().write(to: folder.appendingPathComponent("letter-light.png"))
                    try await browser.execute("document.querySelector('iframe').scrollIntoView()")
                    try await browser.png().write(to: folder.appendingPathComponent("letter-preview-light.png"))
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
