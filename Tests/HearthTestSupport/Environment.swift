import Foundation

/// Switches read from the environment by the test harness.
public enum TestEnvironment {
    /// `HEARTH_TEST_REQUIRE_POSTGRES=1`: a missing PostgreSQL fails the tests instead of skipping them.
    public static var requirePostgres: Bool { flag("HEARTH_TEST_REQUIRE_POSTGRES") }
    /// `HEARTH_TEST_REQUIRE_SMTP=1`: a missing SMTP test server fails the tests instead of skipping them.
    public static var requireSMTP: Bool { flag("HEARTH_TEST_REQUIRE_SMTP") }
    /// `HEARTH_TEST_REQUIRE_BROWSER=1`: missing Chromium or chromedriver fails the browser tests instead of
    /// skipping them.
    public static var requireBrowser: Bool { flag("HEARTH_TEST_REQUIRE_BROWSER") }
    /// `HEARTH_TEST_REQUIRE_AXE=1`: a missing axe-core script (PyPI's `axe-core-python`, or `HEARTH_AXE_SCRIPT`)
    /// fails the accessibility audit instead of skipping it.
    public static var requireAxe: Bool { flag("HEARTH_TEST_REQUIRE_AXE") }
    /// `HEARTH_TEST_REQUIRE_WEBHOOKS=1`: a missing webhook receiver (PyPI's `standardwebhooks`) fails the webhook
    /// tests instead of skipping them.
    public static var requireWebhooks: Bool { flag("HEARTH_TEST_REQUIRE_WEBHOOKS") }
    /// `HEARTH_TEST_REQUIRE_IMAP=1`: a missing IMAP server (Debian's `dovecot-imapd`) fails the mailbox tests
    /// instead of skipping them.
    public static var requireIMAP: Bool { flag("HEARTH_TEST_REQUIRE_IMAP") }

    static func flag(_ name: String) -> Bool {
        ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment[name]?.lowercased() ?? "")
    }

    /// Finds an executable on PATH or in the given extra folders.
    public static func executable(_ name: String, extraFolders: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in extraFolders + path.split(separator: ":").map(String.init) {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let (status, output) = try ChildProcess.run(arguments, environment: environment)
        guard status == 0 else {
            throw HarnessError("\(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output
    }

    /// Waits until something accepts TCP connections on the port, or throws after `seconds`.
    public static func waitForPort(_ port: Int, seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            usleep(100_000)
        }
        throw HarnessError("nothing listened on port \(port) after \(seconds) s")
    }
}

/// A harness failure, said plainly.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A child process that stops when the test process does: a watchdog shell waits for our pid to vanish,
/// then kills the child and removes its folder, so a crashed test run leaves nothing behind.
final class GuardedProcess: Sendable {
    let process: ChildProcess

    init(arguments: [String], cleanUp folder: String, runAsUser: String? = nil) throws {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        let launch = runAsUser.map { "runuser -u \($0) -- \(quoted)" } ?? quoted
        let script = """
            \(launch) &
            child=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            kill $child 2>/dev/null; sleep 2; kill -9 $child 2>/dev/null
            rm -rf '\(folder)'
            """
        process = try ChildProcess(["/bin/sh", "-c", script], output: .file(folder + "/harness.log"))
    }
}
