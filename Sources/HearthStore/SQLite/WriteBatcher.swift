import SQLKit
import Synchronization
import VaporCSQLite

/// Runs SQLite write transactions one at a time, and lets the writes that queued up behind one share a single
/// transaction (group commit).
///
/// A commit writes every page the transaction touched to the log: for a reply that is the post, its indexes, the
/// topic, the read position and the full-text index, each time. Writes that arrive while another commits wait, and
/// the next of them leads a batch: each queued body runs inside its own savepoint, so one that fails is undone
/// alone, and one COMMIT ends them all. Nobody waits for a batch to fill; a lone write is a plain transaction.
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

    /// One transaction for the batch; each body in a savepoint when there are several.
    private static func run(_ batch: [any BatchedWrite], on sql: any SQLDatabase) async {
        do {
            // IMMEDIATE takes the write lock now, not at the first write, so a transaction never fails halfway
            // with "database is locked" because another process wrote in between.
            try await sql.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.fail(error) }
            return
        }
        do {
            if batch.count == 1 {
                try await batch[0].run(sql)
            } else {
                for job in batch {
                    try await sql.raw("SAVEPOINT batched").run()
                    do {
                        try await job.run(sql)
                        try await sql.raw("RELEASE batched").run()
                    } catch {
                        job.fail(error)
                        try await sql.raw("ROLLBACK TO batched").run()
                        try await sql.raw("RELEASE batched").run()
                    }
                }
            }
            try await sql.raw("COMMIT").run()
        } catch {
            // The transaction itself failed (its commit, or a savepoint that could not be rolled back):
            // nothing of the batch was kept, so every body in it fails with that error.
            try? await sql.raw("ROLLBACK").run()
            for job in batch { job.fail(error) }
        }
    }
}

/// What the batcher needs of a queued write, whatever its result type.
private protocol BatchedWrite: Sendable {
    /// Runs the body, keeping its result; rethrows its error so the batch can roll its savepoint back.
    func run(_ sql: any SQLDatabase) async throws
    /// Records a failure, replacing a result the body had produced if the batch did not commit.
    func fail(_ error: any Error)
    /// Wakes the waiting caller: with its result, or to lead the next batch.
    func resume(_ turn: WriteTurn)
}

private enum WriteTurn: Sendable {
    case lead
    case done
}

private final class WriteJob<T: Sendable>: BatchedWrite {
    private struct State {
        /// Dropped once run (or failed before running), so no reference outlives the caller's call.
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
        guard
            let body = state.withLock({ state in
                defer { state.body = nil }; return state.body
            })
        else { return }
        do {
            let value = try await body(sql)
            state.withLock { $0.result = .success(value) }
        } catch {
            state.withLock { $0.result = .failure(error) }
            throw error
        }
    }

    func fail(_ error: any Error) {
        state.withLock { state in
            state.body = nil
            state.result = .failure(error)
        }
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
