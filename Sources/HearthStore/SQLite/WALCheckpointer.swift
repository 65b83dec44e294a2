import Dispatch
import Logging
import Synchronization

/// Copies the write-ahead log back into the database file on its own connection and queue, once the log has
/// grown past a threshold. SQLite would otherwise do it inside the commit that crossed 1,000 pages, on the thread
/// that committed, with an fsync: a request would wait for it. A passive checkpoint never blocks the writer or
/// the readers; what it cannot copy yet (pages a reader still sees) the next one copies.
///
/// The threshold is 4,000 pages (16 MiB): replies rewrite the same hot pages (the topic, the ends of the indexes)
/// commit after commit, and a checkpoint copies each page once however often the log holds it, so a longer log
/// copies less per reply. Creating posts measured about 10 % faster than at 1,000 pages; at 10,000 it was slower
/// again, readers then searching a longer log index.
final class WALCheckpointer: Sendable {
    private let connection: DirectSQLiteConnection
    private let threshold: Int
    private let logger: Logger
    private let queue = DispatchQueue(label: "hearth.sqlite.checkpoint")
    private let running = Atomic<Bool>(false)

    init(
        connection: DirectSQLiteConnection, threshold: Int = 4_000, hardLimit: Int = WALCheckpointer.defaultHardLimit,
        logger: Logger
    ) {
        self.connection = connection
        self.threshold = threshold
        self.hardLimit = hardLimit
        self.logger = logger
    }

    /// Pages past which, by default, the commit that grew the log copies it back itself (64 MiB, the size the log is cut back
    /// to after a checkpoint). A passive checkpoint on this queue never catches up with a writer that commits
    /// without pause, as an import of a large dump does: the log can start over only once it has all been copied
    /// when a write begins, and the writer appends more meanwhile. Importing a million posts grew the log past
    /// 8 GiB. The writer's own checkpoint runs between its commits, so it copies everything unless a reader still
    /// sees older pages, and the next write starts the log from the beginning.
    static let defaultHardLimit = 16_384
    private let hardLimit: Int

    /// Called by the writer's commit hook: starts a checkpoint when the log is long and none is running. Returns
    /// whether the log is so long that the writer should copy it back now.
    func logGrew(to pages: Int) -> Bool {
        if pages >= hardLimit { return true }
        guard pages >= threshold,
            running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        queue.async { [self] in
            defer { running.store(false, ordering: .releasing) }
            do {
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
            } catch {
                // The log keeps growing and the next commit asks again; nothing is lost.
                logger.warning("SQLite checkpoint did not run", metadata: ["reason": "\(error)"])
            }
        }
        return false
    }

    /// Waits for a running checkpoint, then closes the connection.
    func close() {
        queue.sync {}
        connection.close()
    }
}
