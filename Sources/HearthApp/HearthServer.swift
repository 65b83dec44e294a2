import Foundation
import HearthCore
import HearthWeb
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the web server until SIGTERM or SIGINT, then lets in-flight requests finish and closes the database.
public enum HearthServer {
    /// Prometheus registry for this process; `MetricsSystem` can be bootstrapped only once.
    private static let registry = PrometheusCollectorRegistry()

    /// glibc gives freed memory at the top of a thread's heap back to the system as soon as 128 KiB are free
    /// there, with an madvise that makes every core flush its address cache. A server frees and takes back that
    /// much on every request: measured on create post, those flushes were 6 % of the CPU. Up to 8 MiB stay
    /// in place instead; resident memory after the forum benchmark did not change (about 50 MiB either way).
    private static func keepFreedMemoryInPlace() {
        #if canImport(Glibc)
            // mallopt is declared in <malloc.h>, which the Glibc module does not export; M_TRIM_THRESHOLD is -1.
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            _ = unsafeBitCast(symbol, to: MallOpt.self)(-1, 8 << 20)
        #endif
    }

    /// Serves until stopped. A data folder that cannot be written, a taken port or an unknown host stop it before
    /// anything else, with a `StartupFailure` that says which and what to do.
    public static func run(
        config: AppConfig, logger: Logger, demo: Bool = false, announce: @escaping @Sendable (String) -> Void
    ) async throws {
        try StartupChecks.prepareDataFolder(config.dataDirectory)
        try await StartupChecks.checkAddress(host: config.host, port: config.port)
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        keepFreedMemoryInPlace()
        let services = try await HearthServices.open(config: config, logger: logger)
        if case .postgres = config.database, config.secretKey == nil {
            logger.warning(
                "HEARTH_SECRET_KEY is not set: secrets are sealed with the key file in this process's data folder. Processes on other machines sharing this PostgreSQL need the same key: set HEARTH_SECRET_KEY on each."
            )
        }
        do {
            let applied = try await services.migrate()
            for migration in applied {
                logger.notice("Applied migration", metadata: ["migration": "\(migration.number) \(migration.name)"])
            }
            if demo {
                let summary = try await services.loadDemo()
                announce(
                    summary.counts.topics > 0
                        ? "Demo community loaded: \(summary.counts.topics) topics and \(summary.counts.posts) posts from \(summary.site) (CC BY-SA)."
                        : "Demo community already loaded (from \(summary.site), CC BY-SA).")
            }
            try await services.scheduleBackfill()
            try await services.scheduleLearning()
            let sweeper = ExpiredSessionSweeper(
                sessions: services.sessions, accounts: services.accounts, logger: logger)
            let indexer = SearchIndexer(search: services.search, logger: logger)
            let serving =
                "Hearth is serving \(config.communityName) at \(config.publicURL) (\(services.database.location))."
            // Said once the server listens, never before a bind that fails.
            let app = makeApplication(services: services, logger: logger) { _ in announce(serving) }
            if config.smtp == nil {
                announce("No SMTP server configured (HEARTH_SMTP_URL): e-mails are written to the log instead.")
            }
            if let link = try await services.accounts.issueSetupLink() {
                announce(
                    """

                    ────────────────────────────────────────────────────────────
                      Welcome to Hearth! No community manager account exists yet.
                      Open this one-time link to create yours:

                        \(link)

                    ────────────────────────────────────────────────────────────

                    """)
            }
            var running: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: app), .init(service: sweeper), .init(service: indexer),
                .init(service: JobService(runner: services.jobs, logger: logger)),
            ]
            running.append(.init(service: Periodic.inboxClock(services.inbox, logger: logger)))
            running.append(.init(service: Periodic.roleReports(services.roleReports, logger: logger)))
            running.append(.init(service: Periodic.people(services.people, logger: logger)))
            running.append(.init(service: Periodic.healthAndLetters(services.health, services.letters, logger: logger)))
            running.append(.init(service: Periodic.sources(services.sources, logger: logger)))
            if let learning = services.learning {
                running.append(.init(service: EngineRefresher(learning: learning, logger: logger)))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: running, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                throw StartupChecks.explain(error, host: config.host, port: config.port) ?? error
            }
        } catch {
            await services.shutdown()
            throw error
        }
        await services.shutdown()
        logger.notice("Hearth stopped; in-flight requests were finished.")
    }

    /// The Hummingbird application, also used by tests.
    public static func makeApplication(
        services: HearthServices, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let (web, settings) = services.web(metricsText: { registry.emitToString() })
        let router = buildRouter(services: web, renderer: services.renderer, settings: settings)
        return Application(
            router: router,
            server: .http1OnEventLoops(),
            configuration: .init(
                address: .hostname(services.config.host, port: services.config.port), serverName: "Hearth"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

/// Indexes new posts for search every tenth of a second, where the engine indexes in batches (SQLite). Searches
/// also catch up before they run; this keeps that work small and off the searcher's wait.
struct SearchIndexer: Service {
    let search: SearchService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pause: Duration
            do {
                try await search.catchUp()
                pause = .milliseconds(100)
            } catch {
                // Posts stay queued and searches try again themselves; the log gets one line every few seconds.
                logger.warning("Could not index new posts for search", metadata: ["reason": "\(error)"])
                pause = .seconds(5)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

/// Removes expired sessions and failed log-ins too old to count every hour, so the tables do not grow forever.
struct ExpiredSessionSweeper: Service {
    let sessions: SessionService
    let accounts: AccountService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let removed = try await sessions.purgeExpired()
                if removed > 0 { logger.info("Removed expired sessions", metadata: ["count": "\(removed)"]) }
                try await accounts.purgeOldAttempts()
            } catch {
                logger.warning("Could not remove expired sessions", metadata: ["error": "\(error)"])
            }
            try? await gracefulShutdownOrCancel(sleeping: .seconds(3600))
        }
    }

    private func gracefulShutdownOrCancel(sleeping duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
