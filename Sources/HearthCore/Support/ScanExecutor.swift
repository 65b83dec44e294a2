import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the jobs given to it one after another on a thread of its own, at a lower scheduling priority than the
/// threads serving requests. A task that prefers this executor (`withTaskExecutorPreference`) runs its non-isolated
/// code there: `HearthDatabase.scan` uses it so that a long read blocks that thread rather than one serving
/// requests, and the search page builds its snippets and HTML on `ScanExecutor.pages`; when the cores are busy,
/// the kernel gives the page readers their time first (nice 10 is about a tenth of a normal thread's share): two
/// clients searching without pause no longer halve the pages everyone else reads. When the cores are idle, a scan
/// runs at full speed.
public final class ScanExecutor: TaskExecutor, @unchecked Sendable {
    /// Nice value of the thread: 0 is a normal thread, 19 the lowest.
    public static let niceness: Int32 = 10
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var stopping = false

    public init(label: String) {
        let thread = Thread { [self] in run() }
        thread.name = label
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs given so far have run (the backend is closing).
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        // On Linux the nice value belongs to each thread: PRIO_PROCESS with 0 sets the calling thread's alone
        // (setpriority(2), "Bugs").
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}

extension ScanExecutor {
    /// Where slow pages are built once their rows are read (a search page's snippets and rendering), one per core
    /// (two at least), taken in turn.
    public static let pages = Pool(label: "hearth.pages", count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// Executors taken in turn.
    public final class Pool: Sendable {
        private let executors: [ScanExecutor]
        private let turn = Atomic<Int>(0)

        public init(label: String, count: Int) {
            executors = (0..<count).map { ScanExecutor(label: "\(label)\($0)") }
        }

        /// The executor whose turn it is.
        public func next() -> ScanExecutor {
            executors[turn.add(1, ordering: .relaxed).oldValue % executors.count]
        }
    }
}
