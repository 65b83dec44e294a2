import Foundation
import HearthStore
import Logging

/// A real PostgreSQL server for the tests: `initdb` into a temporary folder, started on a free loopback
/// port, stopped and removed when the test process ends. One per test process; each test gets its own
/// database in it.
public actor PostgresServer {
    public static let shared = PostgresServer()

    public enum State: Sendable {
        case unavailable(String)
        case running(port: Int)
    }

    private var state: State?
    private var databaseCount = 0

    /// Starts the server the first time; returns why not when the binaries are missing or it fails.
    public func start() -> State {
        if let state { return state }
        let state = launch()
        self.state = state
        return state
    }

    /// A new, empty database on the server.
    public func createDatabase() async throws -> DatabaseLocation? {
        guard case .running(let port) = start() else { return nil }
        databaseCount += 1
        let name = "hearth_test_\(getpid())_\(databaseCount)"
        let admin = try await HearthDatabase.open(
            .postgres(
                .init(
                    host: "127.0.0.1", port: port, username: "hearth", password: nil, database: "postgres",
                    tls: .disable)),
            logger: Logger(label: "test.postgres"))
        do {
            try await admin.read { sql in try await sql.raw("CREATE DATABASE \(ident: name)").run() }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return .postgres(
            .init(
                host: "127.0.0.1", port: port, username: "hearth", password: nil, database: name, tls: .disable,
                standingConnections: 0))
    }

    private func launch() -> State {
        let folders =
            (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
            .map { "/usr/lib/postgresql/\($0)/bin" } ?? []
        guard let initdb = TestEnvironment.executable("initdb", extraFolders: folders),
            let postgres = TestEnvironment.executable("postgres", extraFolders: folders)
        else {
            return .unavailable("PostgreSQL is not installed (no initdb/postgres on PATH or in /usr/lib/postgresql)")
        }
        do {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pg-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            // PostgreSQL refuses to run as root; the Debian package provides a `postgres` user.
            let user: String? = getuid() == 0 ? "postgres" : nil
            if let user {
                try TestEnvironment.run(["/bin/chown", "-R", user, root])
            }
            let data = root + "/data"
            let prefix = user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []
            try TestEnvironment.run(
                prefix + [initdb, "-D", data, "-U", "hearth", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
            let port = try TestEnvironment.freePort()
            // Every test has a database of its own with its own pool, and the suites start together: 200
            // connections were once too few ("sorry, too many clients already") for the first seconds of a run.
            _ = try GuardedProcess(
                arguments: [
                    postgres, "-D", data, "-p", String(port), "-k", root, "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "max_connections=500",
                ],
                cleanUp: root, runAsUser: user)
            try TestEnvironment.waitForPort(port, seconds: 30)
            return .running(port: port)
        } catch {
            return .unavailable("PostgreSQL did not start: \(error)")
        }
    }
}
