import Foundation
import HearthTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small W3C WebDriver client driving Debian's headless Chromium through chromedriver: enough to click,
/// type, upload a file and read a page like a person would.
final class Browser: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let driver: ChildProcess
    private let endpoint: String
    private let session: String
    /// Where screenshots of failed steps are kept.
    static let screenshotFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "hearth-browser-failures")

    /// Starts chromedriver and a headless Chromium. Skips the test when either is missing (or fails it when
    /// HEARTH_TEST_REQUIRE_BROWSER=1).
    static func start() async throws -> Browser {
        let chromium = TestEnvironment.executable("chromium") ?? TestEnvironment.executable("chromium-browser")
        let chromedriver = TestEnvironment.executable("chromedriver", extraFolders: ["/usr/lib/chromium"])
        guard let chromium, let chromedriver else {
            let reason = "Chromium or chromedriver is not installed (Debian: apt-get install chromium chromium-driver)"
            if TestEnvironment.requireBrowser {
                throw Failure(description: "HEARTH_TEST_REQUIRE_BROWSER is set but \(reason)")
            }
            try Test.cancel("Skipped the browser test: \(reason).")
        }
        let port = try TestEnvironment.freePort()
        let process = try ChildProcess([chromedriver, "--port=\(port)"])
        let endpoint = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            let status = try? await Self.request("GET", endpoint + "/status", nil)
            if (status?["value"] as? [String: Any])?["ready"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "pageLoadStrategy": "eager",
                    "timeouts": ["pageLoad": 15_000, "script": 5_000, "implicit": 0],
                    "goog:chromeOptions": [
                        "binary": chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=1200,900", "--lang=en-GB",
                        ],
                    ],
                ]
            ]
        ]
        do {
            let created = try await Self.request("POST", endpoint + "/session", capabilities)
            guard let session = created["sessionId"] as? String else {
                throw Failure(description: "chromedriver did not start a session: \(created)")
            }
            return Browser(driver: process, endpoint: endpoint, session: session)
        } catch {
            process.signal(SIGKILL)
            _ = await process.ended()
            throw error
        }
    }

    private init(driver: ChildProcess, endpoint: String, session: String) {
        self.driver = driver
        self.endpoint = endpoint
        self.session = session
    }

    func quit() async {
        if ProcessInfo.processInfo.environment["HEARTH_TEST_BROWSER_TRACE"] == "1" {
            FileHandle.standardError.write(Data("webdriver quit\n".utf8))
        }
        _ = try? await Self.request("DELETE", "\(endpoint)/session/\(session)", nil)
        _ = try? await Self.request("GET", "\(endpoint)/shutdown", nil)
        driver.signal(SIGKILL)
        _ = await driver.ended()
    }

    // MARK: Commands

    func open(_ url: String) async throws {
        try await command("POST", "/url", ["url": url])
    }

    var currentURL: String {
        get async throws { try await command("GET", "/url") as? String ?? "" }
    }

    var source: String {
        get async throws { try await command("GET", "/source") as? String ?? "" }
    }

    func element(_ css: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": css])
        guard let element = found as? [String: Any], let id = element.values.first as? String else {
            throw Failure(description: "no element matches \(css)")
        }
        return id
    }

    /// Clicks as a person would once the page is still: on a loaded machine an element may sit for a moment under
    /// another that is fading or moving (CI saw "element click intercepted" once, never alone). An element that
    /// stays covered for two seconds is a fault of the page, and fails.
    func click(_ css: String) async throws {
        for attempt in 1...20 {
            do {
                try await command("POST", "/element/\(try await element(css))/click", [:])
                return
            } catch let failure as Failure where failure.description.contains("click intercepted") && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func type(_ text: String, into css: String) async throws {
        let id = try await element(css)
        try await command("POST", "/element/\(id)/clear", [:])
        try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Chooses a file in an `<input type="file">`.
    func attach(_ path: String, to css: String) async throws {
        try await command("POST", "/element/\(try await element(css))/value", ["text": path])
    }

    /// Presses keys on the keyboard, as a person would, wherever the focus is.
    func press(_ keys: String) async throws {
        let strokes = keys.map { key in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }.flatMap { $0 }
        try await command(
            "POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": strokes]]])
    }

    func select(_ value: String, in css: String) async throws {
        try await click("\(css) option[value=\"\(value)\"]")
    }

    func text(_ css: String) async throws -> String {
        try await command("GET", "/element/\(try await element(css))/text") as? String ?? ""
    }

    /// Waits until the page's HTML contains `text` (pages load after a click), or fails saying what it saw.
    func waitFor(_ text: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await source.contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "the page at \(try await currentURL) never showed \"\(text)\"")
    }

    /// Saves a screenshot and returns its path.
    func screenshot(named name: String) async -> String? {
        guard let base64 = try? await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64)
        else { return nil }
        try? FileManager.default.createDirectory(at: Self.screenshotFolder, withIntermediateDirectories: true)
        let file = Self.screenshotFolder.appendingPathComponent("\(name)-\(Int(Date().timeIntervalSince1970)).png")
        try? data.write(to: file)
        return file.path
    }

    /// Runs JavaScript in the page and returns what it returns (JSON values).
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// Runs JavaScript that calls its last argument when done, and returns what it passed.
    func executeAsync(_ script: String, _ arguments: [Any] = [], timeout: Duration = .seconds(30)) async throws -> Any?
    {
        try await command("POST", "/timeouts", ["script": Int(timeout.components.seconds * 1000)])
        return try await command("POST", "/execute/async", ["script": script, "args": arguments])
    }

    /// Sends one command of the DevTools protocol, through chromedriver's `goog/cdp/execute`.
    @discardableResult
    func devTools(_ method: String, _ parameters: [String: Any] = [:]) async throws -> Any? {
        try await command("POST", "/goog/cdp/execute", ["cmd": method, "params": parameters])
    }

    /// Lays the page out as a screen of this size would (the window itself keeps its size).
    func viewport(width: Int, height: Int) async throws {
        try await devTools(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
    }

    /// Makes `prefers-color-scheme` answer dark or light, as a system set that way would.
    func colorScheme(dark: Bool) async throws {
        try await devTools(
            "Emulation.setEmulatedMedia",
            ["features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]]])
    }

    /// The page as a PNG, as seen in the viewport.
    func png() async throws -> Data {
        guard let base64 = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64)
        else { throw Failure(description: "chromedriver sent no screenshot") }
        return data
    }

    /// Runs the steps; when one fails, keeps a screenshot and says where it is.
    func steps(_ name: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            let shot = await screenshot(named: name)
            throw Failure(description: "\(error) (screenshot: \(shot ?? "could not be taken"))")
        }
    }

    @discardableResult
    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        if ProcessInfo.processInfo.environment["HEARTH_TEST_BROWSER_TRACE"] == "1" {
            FileHandle.standardError.write(Data("webdriver \(method) \(path)\n".utf8))
        }
        let answer = try await Self.request(method, "\(endpoint)/session/\(session)\(path)", body)
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(error): \(value["message"] as? String ?? "")")
        }
        return answer["value"]
    }

    /// One WebDriver call, made with curl: Foundation's URLSession on Linux fails on chromedriver's answers
    /// ("Failed writing header"), and curl is on every machine that has Chromium.
    private static func request(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var arguments = [
            TestEnvironment.executable("curl") ?? "/usr/bin/curl", "-s", "--max-time", "60", "-X", method, url,
        ]
        var bodyFile: URL?
        if let body {
            let json = try JSONSerialization.data(withJSONObject: body)
            // A command line argument may not exceed 128 KiB on Linux, and a script such as axe-core's is larger:
            // such a body goes through a file.
            if json.count > 64 * 1024 {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("webdriver-\(UUID()).json")
                try json.write(to: file)
                bodyFile = file
                arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + file.path]
            } else {
                arguments += [
                    "-H", "Content-Type: application/json", "--data-binary", String(decoding: json, as: UTF8.self),
                ]
            }
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(at: bodyFile) } }
        // Wait on a thread of its own, never on one of Swift's cooperative threads (on Linux, Dispatch's global
        // queues are those same few threads): on a 2-core machine there are two, and the server under test needs
        // them to answer the very request curl is waiting for.
        let command = arguments
        let (status, output): (Int32, String) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let curl = try ChildProcess(command, output: .pipe(errors: false))
                    let output = curl.readOutput()
                    continuation.resume(returning: (curl.waitUntilExit() ?? -1, output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard status == 0 else {
            throw Failure(description: "curl \(method) \(url) failed with status \(status)")
        }
        let data = Data(output.utf8)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        if let value = json["value"] as? [String: Any], json["sessionId"] == nil, value["sessionId"] != nil {
            return value  // the new-session answer nests its fields in "value"
        }
        return json
    }
}
