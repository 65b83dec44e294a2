import Foundation
import HearthCore
import Logging
import ServiceLifecycle

/// Runs due jobs: each kind by its handler, a failure retried later (1 min, 5, 30, 2 h, 12 h), then given up and
/// kept with its last error. Several processes may run it on one PostgreSQL; the queue hands each job to one.
public struct JobRunner: Sendable {
    public typealias Handler = @Sendable (Job) async throws -> Void

    /// How long a claimed job stays with its process: a process that dies frees its jobs after this.
    static let lease: TimeInterval = 300

    let queue: any JobQueue
    let handlers: [JobKind: Handler]
    let now: Now
    let logger: Logger
    /// Who claims, in the table: host and process id.
    let worker: String

    public init(queue: any JobQueue, handlers: [JobKind: Handler], now: @escaping Now, logger: Logger) {
        self.queue = queue
        self.handlers = handlers
        self.now = now
        self.logger = logger
        self.worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Runs the jobs due now, up to `limit`; returns how many ran (well or not).
    @discardableResult
    public func runDue(limit: Int = 20) async throws -> Int {
        let jobs = try await queue.claim(limit: limit, now: now(), lease: Self.lease, worker: worker)
        for job in jobs {
            var metadata: Logger.Metadata = ["job.id": "\(job.id)", "job.kind": "\(job.kind)"]
            if let origin = job.origin { metadata["job.origin"] = .string(origin) }
            guard let handler = handlers[job.kind] else {
                logger.error("No handler for this kind of job; giving it up", metadata: metadata)
                try await queue.fail(job.id, error: "no handler for \(job.kind)", retryAt: nil, at: now())
                continue
            }
            do {
                try await handler(job)
                try await queue.complete(job.id, at: now())
            } catch {
                let reason = (error as? HearthError)?.userMessage ?? String(describing: error)
                let retry = job.retryDelay.map { now().addingTimeInterval($0) }
                metadata["reason"] = .string(reason)
                metadata["job.attempts"] = "\(job.attempts)"
                if retry == nil {
                    logger.error("Job failed for good", metadata: metadata)
                } else {
                    logger.warning("Job failed; it will be tried again", metadata: metadata)
                }
                try await queue.fail(job.id, error: reason, retryAt: retry, at: now())
            }
        }
        return jobs.count
    }

    /// Runs every due job, for tests and commands that must finish what they queued.
    @discardableResult
    public func drain() async throws -> Int {
        var total = 0
        while true {
            let ran = try await runDue()
            total += ran
            if ran == 0 { return total }
        }
    }
}

/// `hearth serve`'s job loop: due jobs as they come, a short nap when there are none.
struct JobService: Service {
    let runner: JobRunner
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause = Duration.milliseconds(500)
            do {
                if try await runner.runDue() > 0 { pause = .zero }
            } catch {
                logger.warning("Could not run jobs", metadata: ["reason": "\(error)"])
                pause = .seconds(5)
            }
            if pause > .zero {
                let nap = pause
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: nap) }
            }
        }
    }
}
