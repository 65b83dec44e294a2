import Foundation
import HearthCore
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// PostgreSQL through PostgresNIO's `PostgresClient` pool, which reconnects by itself when the server
/// comes back.
final class PostgresBackend: DatabaseBackend {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let scans = ScanGate(width: PostgresBackend.scanWidth, patience: PostgresBackend.leaseTimeout)

    init(location: PostgresLocation, logger: Logger) {
        let tls: PostgresClient.Configuration.TLS =
            switch location.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        // The pool times a parked connection (a keep-alive query, and an idle timeout above the standing ones) with
        // a sleep that the next lease cancels, and a cancelled sleep is not freed (`Pause`): with the defaults the
        // server grew to 180 MiB serving profiles of 10 queries a page. So no keep-alive (a connection the server
        // closes is dropped from the pool as it closes), standing connections that need no timer, and a short idle
        // timeout for those opened on demand.
        configuration.options.minimumConnections = location.standingConnections
        configuration.options.keepAliveBehavior = nil
        configuration.options.connectionIdleTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // The pool works only while `run()` does; it belongs to this object, which ends it in `close()`.
        self.runTask = Task { await client.run() }
    }

    /// Long reads at once: one fewer than the cores, counted once.
    static let scanWidth = ProcessInfo.processInfo.activeProcessorCount - 1

    /// How long a request waits for a connection before saying the database is unavailable. The pool
    /// itself would wait a minute for a server that is down; a person should not.
    static let leaseTimeout: Duration = .seconds(8)

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    /// Every PostgreSQL query already runs on the server, off the caller's threads; long ones take turns so that
    /// one core stays for the page readers (`ScanGate`).
    func scan<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await scans.run { try await read(body) }
    }

    /// A transaction PostgreSQL ended to break a deadlock, or could not serialise, rolled back whole: it runs
    /// again, up to this many times in all, before the error reaches the person.
    private static let attempts = 3

    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await inTransaction(connection.sql(queryLogLevel: .trace), begin: "BEGIN", body)
                }
            } catch let error as PSQLError where HearthDatabase.isRetryable(error) && attempt < Self.attempts {
                attempt += 1
            }
        }
    }

    /// Leases a connection, giving up after `leaseTimeout` if none comes (the query itself is not timed).
    private func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        let leased = LeaseFlag()
        let client = self.client
        return try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Pause.for(Self.leaseTimeout)
                    if leased.isSet { return nil }
                    throw HearthError.unavailable("The database cannot be reached right now. Please try again soon.")
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw CancellationError()
            }
        }
    }

    func close() async {
        runTask.cancel()
        await runTask.value
    }
}

/// Set once a connection has been leased, so the lease timer knows to stand down.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
