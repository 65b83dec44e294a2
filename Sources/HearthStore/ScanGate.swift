import Foundation
import HearthCore
import Synchronization

/// Lets at most `width` long reads run at once, the others waiting their turn in order without holding a thread.
///
/// PostgreSQL runs a search in its own processes, at the same priority as the page readers' queries, so nice cannot
/// keep searches from taking every core. One fewer than the cores keeps a core for everyone else. A read that has
/// not had its turn after `patience` is refused as the database being busy, so a database that is down does not
/// make a queue of searches each wait for all those before it.
final class ScanGate: Sendable {
    private struct State {
        var free: Int
        var nextTicket = 0
        var waiting: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state: Mutex<State>
    private let patience: Duration

    init(width: Int, patience: Duration) {
        state = Mutex(State(free: max(1, width)))
        self.patience = patience
    }

    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard await enter() else {
            throw HearthError.unavailable("The database is busy right now. Please try again soon.")
        }
        defer { leave() }
        return try await body()
    }

    /// True once it is this read's turn, false when `patience` ran out first.
    private func enter() async -> Bool {
        let ticket: Int? = state.withLock { state in
            if state.free > 0 {
                state.free -= 1
                return nil
            }
            state.nextTicket += 1
            return state.nextTicket
        }
        guard let ticket else { return true }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { [patience] in
                try? await Pause.for(patience)
                self.giveUp(ticket)
            }
            let admitted = await withCheckedContinuation { continuation in
                // A read may have left since the ticket was drawn: its place is taken here, under the same lock
                // that queues the waiter, so that no wake-up is lost.
                let now = state.withLock { state in
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    state.waiting.append((ticket, continuation))
                    return false
                }
                if now { continuation.resume(returning: true) }
            }
            group.cancelAll()
            return admitted
        }
    }

    /// The waiter with `ticket`, if still waiting, is told it will not get in.
    private func giveUp(_ ticket: Int) {
        let waiter = state.withLock { state in
            state.waiting.firstIndex { $0.ticket == ticket }.map { state.waiting.remove(at: $0) }
        }
        waiter?.continuation.resume(returning: false)
    }

    private func leave() {
        let next = state.withLock { state in
            if state.waiting.isEmpty {
                state.free += 1
                return nil as CheckedContinuation<Bool, Never>?
            }
            return state.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
