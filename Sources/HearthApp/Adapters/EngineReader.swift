import Foundation
import HearthCore
import HearthInsight

/// Core's `TextReader` behind the triage engine: every post is read once, when written.
public struct EngineReader: TextReader {
    let engine: TriageEngine

    public init(engine: TriageEngine) {
        self.engine = engine
    }

    /// The bundled models, loaded once per process (about 60 ms and 40 MiB): they never change while it runs, so
    /// every set of services shares them, as it shares the bundle they come from.
    public static let bundled: EngineReader? = (try? TriageEngine.bundled()).map(EngineReader.init)

    public func read(_ text: String) -> PostReading {
        let analysis = engine.analyze(text)
        return PostReading(
            language: analysis.language.rawValue, toxicity: (analysis.toxicity.score * 1_000).rounded() / 1_000,
            feedbackKind: analysis.feedbackKind.rawValue,
            sentiment: (analysis.sentiment.score * 1_000).rounded() / 1_000,
            noise: (analysis.noise.score * 1_000).rounded() / 1_000, counterSpeech: analysis.isCounterSpeech,
            threat: !analysis.isCounterSpeech && analysis.toxicKinds.contains(.threat),
            explanation: analysis.explanation)
    }
}
