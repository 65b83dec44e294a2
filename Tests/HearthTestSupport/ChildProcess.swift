import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test starts (PostgreSQL, an SMTP server, chromedriver, curl, Schemathesis, `hearth` itself),
/// spawned with `posix_spawn`.
///
/// Not Foundation's `Process`: on Linux, `Process.run` first reads `/proc/self/fd` to find the highest open
/// descriptor, copying the whole 256-byte name field of each entry it reads. When the test process holds more than
/// about 1,300 descriptors, the last entry of a full read ends at the very end of glibc's buffer and that copy runs
/// past it: the whole test run died there once on CI (SIGSEGV in `memmove`, "1745" in the registers), while parallel
/// tests held their databases and servers open. Here the child closes every inherited descriptor above 2 itself
/// (`posix_spawn_file_actions_addclosefrom_np`), and nothing is read from `/proc`.
public final class ChildProcess: Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        /// Nowhere.
        case null
        /// Appended to a file, created when missing.
        case file(String)
        /// Into a pipe that `readOutput()` reads; `errors: false` sends standard error nowhere instead.
        case pipe(errors: Bool = true)
    }

    private let pid: pid_t
    /// The read end of the output pipe (`.pipe`), else -1. Closed by `readOutput()`.
    private let outputDescriptor: Int32
    /// The exit status once the child has been reaped.
    private let status = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (an absolute path) with the other arguments, in the test process's environment or
    /// `environment`. Standard input is `/dev/null`.
    public init(_ arguments: [String], environment: [String: String]? = nil, output: Output = .null) throws {
        precondition(!arguments.isEmpty, "a command needs a program")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pipeEnds: [Int32] = [-1, -1]
        switch output {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .pipe(let errors):
            guard pipe(&pipeEnds) == 0 else { throw HarnessError("cannot open a pipe: errno \(errno)") }
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            if errors {
                posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
            } else {
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            }
        }
        Self.closeFrom(3, in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation did: a ^C meant for the test run reaches the harness first.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))

        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
            throw HarnessError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        outputDescriptor = pipeEnds[0]
    }

    /// Everything the child writes to the pipe until it closes it (`.pipe` only).
    public func readOutput() -> String {
        precondition(outputDescriptor >= 0, "the output goes to no pipe")
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outputDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(outputDescriptor)
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether the child still runs; reaps it when it has ended.
    public var isRunning: Bool {
        status.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            switch waitpid(pid, &raw, WNOHANG) {
            case 0: return true
            case pid: status = Self.exitCode(raw)
            default: status = -1  // not our child any more: nothing to wait for
            }
            return false
        }
    }

    /// Waits for the child to end, without holding a thread; its exit status (128 + the signal when a signal ended
    /// it).
    public func ended() async -> Int32 {
        while isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        return status.withLock { $0 } ?? -1
    }

    /// Blocks this thread until the child ends (or `seconds` pass); its exit status, or nil if it still runs.
    @discardableResult
    public func waitUntilExit(seconds: Double = .infinity) -> Int32? {
        if seconds == .infinity {
            var raw: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &raw, 0) } while reaped == -1 && errno == EINTR
            // Reaped here, or (-1) already reaped by `isRunning` on another thread.
            return status.withLock { status in
                if status == nil { status = reaped == pid ? Self.exitCode(raw) : -1 }
                return status
            }
        }
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning {
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
        return status.withLock { $0 }
    }

    /// Sends `signal` while the child runs.
    public func signal(_ signal: Int32 = SIGTERM) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL after `seconds`, then reaps it.
    public func stop(seconds: Double = 10) {
        signal(SIGTERM)
        if waitUntilExit(seconds: seconds) == nil {
            signal(SIGKILL)
            waitUntilExit()
        }
    }

    /// Runs a command to its end: its status and what it printed (standard output and error).
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (
        status: Int32, output: String
    ) {
        let child = try ChildProcess(arguments, environment: environment, output: .pipe())
        let output = child.readOutput()
        return (child.waitUntilExit() ?? -1, output)
    }

    private static func exitCode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// glibc 2.34 and later: the child closes every descriptor from `lowest` up, as it starts. Swift's Glibc module
    /// does not declare it (it is a GNU extension), so it is looked up by name. Without it, descriptors opened with
    /// close-on-exec (SwiftNIO's, SQLite's, ours) still do not reach the child.
    private static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
    }
}
