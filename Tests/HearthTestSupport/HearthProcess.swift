import Foundation

/// A real `hearth` process (the binary the package builds), for tests that need whole servers: several
/// `hearth serve` on one PostgreSQL. It stops with `stop()` (SIGTERM, as an operator would), or when the test
/// object goes away.
public final class HearthProcess: Sendable {
    private let process: ChildProcess
    public let logPath: String

    /// The `hearth` binary next to the test bundle, or in the package's `.build/debug`.
    public static var binary: String? {
        let beside = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hearth").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let built = root.appendingPathComponent(".build/debug/hearth").path
        return [beside, built].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `launcher` runs the binary through another command (`setpriv …` to drop root's privileges).
    public init(arguments: [String], environment: [String: String], logPath: String, launcher: [String] = []) throws {
        guard let binary = Self.binary else { throw HarnessError("the hearth binary is not built") }
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = try ChildProcess(
            launcher + [binary] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: .file(logPath))
    }

    /// Asks the server to stop (SIGTERM: it finishes what it is doing first) and waits up to ten seconds, then
    /// kills it.
    public func stop() { process.stop(seconds: 10) }

    /// Waits up to `seconds` for the process to end by itself; its exit status, or nil when it is still running.
    public func waitForExit(seconds: Double) -> Int32? { process.waitUntilExit(seconds: seconds) }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { stop() }
}
