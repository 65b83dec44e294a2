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
    @Test("the home page, a topic, a profile and the console, light and dark, as the community manager sees them")
    func readme() async throws {
        let folder = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["HEARTH_SCREENSHOTS"] ?? "docs/screenshots",
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let showcase = try await Showcase.make()
        defer { showcase.community.close() }
        let shots = [
            ("home", "/"), ("topic", showcase.topicPath), ("profile", showcase.authorPath),
            ("console", "/admin/settings"), ("console-categories", "/admin/categories"), ("inbox", "/inbox"),
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
                    try await browser.colorScheme(dark: false)
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
