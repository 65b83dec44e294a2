import SQLKit
import Synchronization
import VaporCSQLite

/// Runs SQLite write transactions one at a time, and lets the writes that queued up behind one share a single
/// transaction (group commit).
///
/// A commit writes every page the transaction touched to the log: for a reply that is the post, its indexes, the
/// topic, the read position and the full-text index, each time. Writes that arrive while another commits wait, and
/// the next of them leads a batch: the queued bodies run one after another and one COMMIT ends them all. A body
/// that throws is undone alone (see `run`), so a body may run more than once and must only touch the database.
/// Nobody waits for a batch to fill; a lone write is a plain transaction.
final class WriteBatcher: Sendable {
    private struct State {
        var busy = false
        var waiting: [any BatchedWrite] = []
    }

    private let state = Mutex(State())
    /// Bodies per transaction at most, so one commit never holds many callers' answers for long.
    private let batchLimit: Int

    init(batchLimit: Int = 64) {
        self.batchLimit = batchLimit
    }

    func write<T: Sendable>(
        on database: any SQLDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let job = WriteJob(body)
        let leads = state.withLock { state in
            if state.busy {
                state.waiting.append(job)
                return false
            }
            state.busy = true
            return true
        }
        if !leads, await job.turn() == .done { return try job.result() }
        let queued = state.withLock { state -> [any BatchedWrite] in
            let taken = Array(state.waiting.prefix(batchLimit - 1))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        let batch: [any BatchedWrite] = [job] + queued
        await Self.run(batch, on: database)
        for member in batch { member.release() }
        let next = state.withLock { state -> (any BatchedWrite)? in
            if state.waiting.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(.lead)
        for other in batch.dropFirst() { other.resume(.done) }
        return try job.result()
    }

    /// One transaction for the whole batch. When a body throws, the transaction is rolled back, that body keeps
    /// its error, and the others run again in a new transaction: failures are rare (checks come before writes),
    /// and savepoints around each body would make the full-text index flush its pending rows at every one.
    private static func run(_ batch: [any BatchedWrite], on sql: any SQLDatabase) async {
        var pending = batch
        while !pending.isEmpty {
            do {
                // IMMEDIATE takes the write lock now, not at the first write, so a transaction never fails
                // halfway with "database is locked" because another process wrote in between.
                try await sql.raw("BEGIN IMMEDIATE").run()
            } catch {
                for job in pending { job.fail(error) }
                return
            }
            var failed: Int?
            for (index, job) in pending.enumerated() {
                do {
                    try await job.run(sql)
                } catch {
                    failed = index
                    break
                }
            }
            if let failed {
                try? await sql.raw("ROLLBACK").run()
                pending.remove(at: failed)
                continue
            }
            do {
                try await sql.raw("COMMIT").run()
            } catch {
                try? await sql.raw("ROLLBACK").run()
                for job in pending { job.fail(error) }
            }
            return
        }
    }
}

/// What the batcher needs of a queued write, whatever its result type.
private protocol BatchedWrite: Sendable {
    /// Runs the body, keeping its result (or error, which it rethrows so the batch can roll back).
    func run(_ sql: any SQLDatabase) async throws
    /// Records a failure, replacing a result the body had produced if the batch did not commit.
    func fail(_ error: any Error)
    /// Drops the body once the batch is over.
    func release()
    /// Wakes the waiting caller: with its result, or to lead the next batch.
    func resume(_ turn: WriteTurn)
}

private enum WriteTurn: Sendable {
    case lead
    case done
}

private final class WriteJob<T: Sendable>: BatchedWrite {
    private struct State {
        /// Dropped when the batch is over, so no reference outlives the caller's call.
        var body: (@Sendable (any SQLDatabase) async throws -> T)?
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<WriteTurn, Never>?
        /// A turn given before the caller started waiting for it.
        var early: WriteTurn?
    }

    private let state: Mutex<State>

    init(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) {
        state = Mutex(State(body: body))
    }

    func run(_ sql: any SQLDatabase) async throws {
        guard let body = state.withLock({ $0.body }) else {
            throw SQLiteFailure(code: SQLITE_MISUSE, message: "a batched write ran after its batch was over")
        }
        do {
            let value = try await body(sql)
            state.withLock { $0.result = .success(value) }
        } catch {
            state.withLock { $0.result = .failure(error) }
            throw error
        }
    }

    func fail(_ error: any Error) {
        state.withLock { $0.result = .failure(error) }
    }

    func release() {
        state.withLock { $0.body = nil }
    }

    /// Waits until the batch holding this write has committed, or until it is this write's turn to lead one.
    func turn() async -> WriteTurn {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state in
                if state.early == nil { state.waiter = continuation }
                return state.early
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    func resume(_ turn: WriteTurn) {
        let waiter = state.withLock { state in
            if state.waiter == nil { state.early = turn }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: turn)
    }

    func result() throws -> T {
        guard let result = state.withLock({ $0.result }) else {
            throw SQLiteFailure(code: SQLITE_MISUSE, message: "a batched write finished without a result")
        }
        return try result.get()
    }
}
