import Foundation
import HearthTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hearth serve` run as an operator runs it, against the three mistakes people make most on a first start: a
/// port already taken, a host that does not exist, a data folder it cannot write. Each must end the process at
/// once with one line naming the cause and the port, host or path, never "serving at …" first.
@Suite(
    "Starting the server: one clear line for each start-up mistake",
    .enabled(if: HearthProcess.binary != nil, "needs the hearth binary (swift build)"), .serialized)
struct ServeStartupTests {
    /// A scratch folder for the server's data and log.
    final class Scratch: Sendable {
        let path: String
        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent("hearth-start-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit {
            chmod(path + "/locked", 0o755)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Runs `hearth` with the arguments and returns its exit status and everything it printed.
    func serve(_ arguments: [String], in scratch: Scratch, launcher: [String] = []) throws -> (
        status: Int32?, output: String
    ) {
        let process = try HearthProcess(
            arguments: ["serve"] + arguments, environment: ["HEARTH_LOG_LEVEL": "notice"],
            logPath: scratch.path + "/server.log", launcher: launcher)
        let status = process.waitForExit(seconds: 60)
        process.stop()
        return (status, process.log)
    }

    /// The lines printed, without blank ones.
    func lines(_ output: String) -> [String] {
        output.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Listens on a free loopback port until `close`, as another server would.
    func occupyPort() throws -> (port: Int, descriptor: Int32) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard descriptor >= 0, listening else { throw HarnessError("cannot listen on a loopback port") }
        return (Int(UInt16(bigEndian: address.sin_port)), descriptor)
    }

    @Test("a taken port is named, with --port to pick another, also for --demo", arguments: [false, true])
    func takenPort(demo: Bool) throws {
        let scratch = try Scratch()
        let (port, descriptor) = try occupyPort()
        defer { close(descriptor) }
        let (status, output) = try serve(
            ["--port", String(port), "--data-dir", scratch.path + "/data"] + (demo ? ["--demo"] : []), in: scratch)
        #expect(status != nil && status != 0, "it stops, and says it failed: \(output)")
        #expect(lines(output).count == 1, "one line: \(output)")
        #expect(output.contains("Port \(port) on 127.0.0.1 is already in use"))
        #expect(output.contains("--port"))
        #expect(!output.contains("serving"), "nothing claims to serve")
        #expect(!output.contains("unexpected error"))
    }

    @Test("an unknown host is named, with --host to give another")
    func unknownHost() throws {
        let scratch = try Scratch()
        let (status, output) = try serve(
            [
                "--host", "no-such-host.invalid", "--port", String(try TestEnvironment.freePort()), "--data-dir",
                scratch.path + "/data",
            ], in: scratch)
        #expect(status != nil && status != 0, "it stops, and says it failed: \(output)")
        #expect(lines(output).count == 1, "one line: \(output)")
        #expect(output.contains("Cannot listen on no-such-host.invalid: no such host"))
        #expect(output.contains("--host"))
        #expect(!output.contains("serving"))
    }

    @Test("a data folder that cannot be created (a file is in the way) is named, with --data-dir")
    func dataFolderBlockedByFile() throws {
        let scratch = try Scratch()
        FileManager.default.createFile(atPath: scratch.path + "/blocker", contents: Data("x".utf8))
        let folder = scratch.path + "/blocker/data"
        let (status, output) = try serve(
            ["--port", String(try TestEnvironment.freePort()), "--data-dir", folder], in: scratch)
        #expect(status != nil && status != 0, "it stops, and says it failed: \(output)")
        #expect(lines(output).count == 1, "one line: \(output)")
        #expect(output.contains("The data folder \(folder) cannot be created: \(scratch.path)/blocker is a file"))
        #expect(output.contains("--data-dir"))
    }

    /// Root writes through a read-only folder's permissions. Run as root (as containers often do), the server is
    /// started as "nobody" through util-linux's setpriv; without setpriv the case is reported as skipped, never
    /// passed without having tested anything.
    static let asUnprivileged: [String]? = {
        guard geteuid() == 0 else { return [] }
        return TestEnvironment.executable("setpriv").map { [$0, "--reuid=65534", "--regid=65534", "--clear-groups"] }
    }()

    @Test(
        "a read-only data folder is named as not writable, with --data-dir",
        .enabled(
            if: asUnprivileged != nil,
            "running as root, which writes into read-only folders, and setpriv is missing to run the server as nobody"
        ))
    func readOnlyDataFolder() throws {
        let launcher = try #require(Self.asUnprivileged)
        let scratch = try Scratch()
        let folder = scratch.path + "/locked"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(scratch.path, 0o755)
        chmod(folder, 0o555)
        let (status, output) = try serve(
            ["--port", String(try TestEnvironment.freePort()), "--data-dir", folder], in: scratch, launcher: launcher)
        #expect(status != nil && status != 0, "it stops, and says it failed: \(output)")
        #expect(lines(output).count == 1, "one line: \(output)")
        #expect(output.contains("The data folder \(folder) is not writable (permission denied)"))
        #expect(output.contains("--data-dir"))

        let (_, inside) = try serve(
            ["--port", String(try TestEnvironment.freePort()), "--data-dir", folder + "/data"], in: scratch,
            launcher: launcher)
        #expect(inside.contains("The data folder \(folder)/data cannot be created (permission denied"))
    }

    @Test("create-admin --demo makes the manager in the demo community's own database, not the real one")
    func demoAdmin() throws {
        let scratch = try Scratch()
        // The password comes on standard input, as an operator pipes it.
        let process = try HearthProcess(
            arguments: [
                "create-admin", "--demo", "--data-dir", scratch.path, "--email", "cm@example.org", "--name", "Camille",
            ],
            environment: ["HEARTH_LOG_LEVEL": "notice"], logPath: scratch.path + "/cli.log",
            launcher: ["/bin/sh", "-c", #"echo "a long enough password" | "$0" "$@""#])
        #expect(process.waitForExit(seconds: 60) == 0, "\(process.log)")
        #expect(process.log.contains("Created community manager Camille"))
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/demo/hearth.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/hearth.sqlite"))
    }
}
