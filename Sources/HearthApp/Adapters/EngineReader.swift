import Foundation
import HearthCore
import HearthInsight
import Synchronization

/// Core's `TextReader` behind the triage engine: every post is read once, when written, by the bundled models
/// with the community's learned adjustments on top. `EngineLearning` installs new adjustments as they are
/// learned, here or by another process.
public final class EngineReader: TextReader {
    /// An engine and the versions of the adjustments it holds, swapped whole: a read takes the current one under
    /// the lock (one reference) and reads outside it, so reads on every core go on while adjustments change.
    final class Loaded: Sendable {
        let engine: TriageEngine
        let versions: [EngineTask: Int64]

        init(engine: TriageEngine, versions: [EngineTask: Int64]) {
            self.engine = engine
            self.versions = versions
        }
    }

    /// The bundled models without adjustments.
    public let base: TriageEngine
    private let loaded: Mutex<Loaded>

    public init(base: TriageEngine) {
        self.base = base
        self.loaded = Mutex(Loaded(engine: base, versions: [:]))
    }

    /// The bundled models, loaded once per process (about 60 ms and 40 MiB): they never change while it runs, so
    /// every set of services shares them, as it shares the bundle they come from. A community's adjustments are
    /// small and sparse and point into these models' tables rather than copying them.
    public static let bundledEngine: TriageEngine? = try? TriageEngine.bundled()

    /// The engine reading now.
    public var engine: TriageEngine { loaded.withLock { $0 }.engine }

    /// The versions of the adjustments the engine reading now holds.
    var versions: [EngineTask: Int64] { loaded.withLock { $0 }.versions }

    /// Installs an engine holding the adjustments of `versions`, unless one with newer adjustments of some task
    /// is already installed (two loads that crossed).
    func install(_ engine: TriageEngine, versions: [EngineTask: Int64]) {
        loaded.withLock { current in
            let older = versions.contains { task, version in version < current.versions[task] ?? Int64.min }
            guard !older else { return }
            current = Loaded(engine: engine, versions: versions)
        }
    }

    public func pertinence(_ text: String) -> LearnedPertinence {
        let (evidence, words) = engine.pertinence(text)
        return LearnedPertinence(evidence: (evidence * 1_000).rounded() / 1_000, words: words)
    }

    public func read(_ text: String) -> PostReading {
        let analysis = engine.analyze(text)
        return PostReading(
            language: analysis.language.rawValue, toxicity: (analysis.toxicity.score * 1_000).rounded() / 1_000,
            feedbackKind: analysis.feedbackKind.rawValue,
            sentiment: (analysis.sentiment.score * 1_000).rounded() / 1_000,
            noise: (analysis.noise.score * 1_000).rounded() / 1_000, counterSpeech: analysis.isCounterSpeech,
            threat: !analysis.isCounterSpeech && analysis.toxicKinds.contains(.threat),
            explanation: analysis.explanation,
            learnedPertinence: LearnedPertinence(
                evidence: (analysis.pertinence.evidence * 1_000).rounded() / 1_000, words: analysis.pertinence.words))
    }
}
