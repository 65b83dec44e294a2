import Foundation
import HearthCore
import HearthInsight
import Logging

/// The engine's community layer, kept in the database: learns the moderators' labels (the `engine_learn` job),
/// the CLI's labelled rows, and keeps the reader of new posts on the latest adjustments.
public struct EngineLearning: Sendable {
    /// Labels learned per save: a few hundred keep a transaction short, and a backlog still clears in one job.
    static let batch = 500
    /// Saves refused because another process saved first, in a row, before the job gives up for now (it is
    /// tried again later). Each refusal means the other process made progress.
    static let conflictLimit = 5

    let store: any EngineLearningRepository
    public let reader: EngineReader
    let now: Now
    let logger: Logger

    public init(store: any EngineLearningRepository, reader: EngineReader, now: @escaping Now, logger: Logger) {
        self.store = store
        self.reader = reader
        self.now = now
        self.logger = logger
    }

    // MARK: Keeping the reader current

    /// Loads the stored adjustments into the reader when their versions differ from the ones it holds: one small
    /// read when nothing changed. Returns whether it loaded new ones.
    @discardableResult
    public func refresh() async throws -> Bool {
        let versions = try await store.versions()
        guard versions != reader.versions else { return false }
        var engine = reader.base
        var loaded: [EngineTask: Int64] = [:]
        for task in EngineTask.allCases {
            guard let stored = try await store.adjustments(task) else { continue }
            loaded[task] = stored.version
            do {
                try engine.load(task, stored.data)
            } catch {
                // A build whose models changed shape cannot use what was learned on the old ones: it reads with
                // its own models until the community teaches them again.
                logger.warning(
                    "The stored adjustments do not fit this build's model; reading without them",
                    metadata: ["engine.task": "\(task.rawValue)", "reason": "\(error)"])
            }
        }
        reader.install(engine, versions: loaded)
        if !loaded.isEmpty {
            logger.info("Loaded the community's adjustments", metadata: ["engine.versions": "\(loaded)"])
        }
        return true
    }

    /// The engine with the adjustments stored now, for the CLI.
    public func engine() async throws -> TriageEngine {
        try await refresh()
        return reader.engine
    }

    // MARK: Learning

    /// Learns every label not learned yet, a batch per save; the `engine_learn` job. Returns how many it learned.
    @discardableResult
    public func learnPending() async throws -> Int {
        var learned = 0
        for task in EngineTask.allCases {
            while true {
                let count = try await save(task) {
                    let labels = try await store.unlearnedLabels(task, limit: Self.batch)
                    return (labels.map { ($0.text, $0.value) }, labels.map(\.id))
                }
                learned += count
                if count < Self.batch { break }
            }
        }
        if learned > 0 {
            logger.info("Learned moderators' decisions", metadata: ["engine.labels": "\(learned)"])
        }
        // Also when another process learned the labels this job was queued for: a small read, and new posts here
        // read with them at once instead of at the next check.
        try await refresh()
        return learned
    }

    /// Learns labelled texts given directly (`hearth insight learn`), saved like the moderators' labels.
    public func learn(_ task: EngineTask, rows: [(text: String, label: Int)]) async throws {
        for start in stride(from: 0, to: rows.count, by: Self.batch) {
            let slice = Array(rows[start..<min(start + Self.batch, rows.count)])
            try await save(task) { (slice, []) }
        }
        try await refresh()
    }

    /// How many labels the stored adjustments of `task` hold.
    public func decisions(_ task: EngineTask) async throws -> Int {
        try await store.adjustments(task)?.decisions ?? 0
    }

    /// Forgets what the community taught `task`: the default model reads alone again, in every process.
    public func forget(_ task: EngineTask) async throws {
        try await save(task, startingOver: true) { ([], []) }
        try await refresh()
    }

    /// Reads the stored adjustments (unless `startingOver`), then asks `work` for the texts to learn and the labels
    /// they are, learns them and saves, naming the version it started from. When another process saved first, it
    /// starts again from that one's result and asks `work` again (labels that process learned are no longer
    /// pending), so that every label is applied once. Returns how many texts it learned.
    @discardableResult
    private func save(
        _ task: EngineTask, startingOver: Bool = false,
        work: () async throws -> (rows: [(text: String, label: Int)], labels: [Int64])
    ) async throws -> Int {
        for _ in 0..<Self.conflictLimit {
            let stored = try await store.adjustments(task)
            let (rows, labels) = try await work()
            guard !rows.isEmpty || startingOver else { return 0 }
            var engine = reader.base
            if !startingOver, let stored, (try? engine.load(task, stored.data)) == nil {
                logger.warning(
                    "The stored adjustments do not fit this build's model; learning starts again from it",
                    metadata: ["engine.task": "\(task.rawValue)"])
            }
            for row in rows { engine.learn(row.text, task: task, label: row.label) }
            let (data, decisions) = try engine.adjustments(task)
            if try await store.save(
                task, data: data, decisions: decisions, replacing: stored?.version, learned: labels, at: now())
            {
                return rows.count
            }
        }
        throw HearthError.conflict(
            "Other processes kept saving the engine's adjustments; learning will be tried again.")
    }
}

extension TriageEngine {
    /// Loads stored adjustments of one task.
    mutating func load(_ task: EngineTask, _ data: Data) throws(InsightError) {
        switch task {
        case .toxicity: try load(toxicity: data, feedback: nil)
        case .feedback: try load(toxicity: nil, feedback: data)
        case .pertinence: try load(pertinence: data)
        }
    }

    /// One task's adjustments and the number of decisions they hold.
    func adjustments(_ task: EngineTask) throws -> (Data, Int) {
        switch task {
        case .toxicity: (try toxicity.serializedAdjustments(), toxicity.decisions)
        case .feedback: (try feedback.serializedAdjustments(), feedback.decisions)
        case .pertinence: (try pertinence.serializedAdjustments(), pertinence.decisions)
        }
    }

    /// Learns one label of a task: 1 = toxic for toxicity, the kind's position in `FeedbackKind.allCases` for
    /// feedback (a label out of range is skipped).
    mutating func learn(_ text: String, task: EngineTask, label: Int) {
        switch task {
        case .toxicity: learn(text, toxic: label == 1)
        case .feedback:
            guard FeedbackKind.allCases.indices.contains(label) else { return }
            learn(text, kind: FeedbackKind.allCases[label])
        case .pertinence: learn(text, pertinent: label == 1)
        }
    }
}
