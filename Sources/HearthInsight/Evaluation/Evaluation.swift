/// The two tasks the engine is trained and judged on.
public enum InsightTask: String, Sendable, CaseIterable, Codable {
    case toxicity, feedback

    public var labels: [String] {
        switch self {
        case .toxicity: ["0", "1"]
        case .feedback: FeedbackKind.allCases.map(\.rawValue)
        }
    }

    /// The label index of a CSV cell: 0/1 (also true/false, toxic/non-toxic, hateful/non-hateful) for toxicity,
    /// a feedback kind or one of its aliases for feedback.
    public func label(_ raw: String) -> Int? {
        let key = Folding.fold(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        switch self {
        case .toxicity:
            switch key {
            case "1", "1.0", "true", "yes", "toxic", "hateful", "offensive": return 1
            case "0", "0.0", "false", "no", "non-toxic", "nontoxic", "non-hateful", "normal", "clean": return 0
            default: return nil
            }
        case .feedback:
            return FeedbackKind(label: key).flatMap { FeedbackKind.allCases.firstIndex(of: $0) }
        }
    }

    /// The features and table size the committed models use, chosen by the measurements in the README.
    public var defaultFeatures: FeatureSet {
        switch self {
        case .toxicity: FeatureSet(bigrams: true, characterGrams: 4...4, terms: true, feedbackCues: false)
        case .feedback: FeatureSet(bigrams: true, characterGrams: nil, terms: false, feedbackCues: true)
        }
    }

    public var defaultBits: Int {
        switch self {
        case .toxicity: 20
        case .feedback: 18
        }
    }
}

/// A text and its gold label index.
public struct LabelledText: Sendable {
    public var text: String
    public var label: Int

    public init(text: String, label: Int) {
        self.text = text
        self.label = label
    }
}

/// What `hearth insight eval` prints; the JSON keys are part of the CLI's contract.
public struct EvaluationReport: Codable, Sendable {
    public struct ClassScores: Codable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public struct Slice: Codable, Sendable {
        public var n: Int
        public var accuracy: Double
        public var f1: Double?
        public var auc: Double?
        public var macroF1: Double?
    }

    public struct CurvePoint: Codable, Sendable {
        public var decisions: Int
        public var accuracy: Double
        public var f1: Double
        public var auc: Double?
    }

    public var task: String
    public var n: Int
    public var accuracy: Double
    public var f1: Double?
    public var auc: Double?
    public var macroF1: Double?
    public var labels: [String]
    public var perClass: [String: ClassScores]
    /// confusion[gold][predicted], in `labels` order.
    public var confusion: [[Int]]
    public var byLanguage: [String: Slice]
    public var learningCurve: [CurvePoint]?
}

public enum Evaluator {
    /// Scores every row with `engine` and compares with the gold labels.
    public static func evaluate(_ engine: TriageEngine, task: InsightTask, rows: [LabelledText]) -> EvaluationReport {
        var predicted: [Int] = []
        var scores: [Double] = []
        var languages: [TextLanguage] = []
        predicted.reserveCapacity(rows.count)
        for row in rows {
            let analysis = engine.analyze(row.text)
            languages.append(analysis.language)
            switch task {
            case .toxicity:
                scores.append(analysis.toxicity.score)
                predicted.append(analysis.toxicity.score >= 0.5 ? 1 : 0)
            case .feedback:
                predicted.append(FeedbackKind.allCases.firstIndex(of: analysis.feedbackKind) ?? 0)
            }
        }
        let gold = rows.map(\.label)
        let overall = slice(task, predicted, gold, scores)
        var byLanguage: [String: EvaluationReport.Slice] = [:]
        for language in TextLanguage.allCases {
            let indices = languages.indices.filter { languages[$0] == language }
            guard !indices.isEmpty else { continue }
            byLanguage[language.rawValue] = slice(
                task, indices.map { predicted[$0] }, indices.map { gold[$0] },
                scores.isEmpty ? [] : indices.map { scores[$0] })
        }
        var perClass: [String: EvaluationReport.ClassScores] = [:]
        for (index, label) in task.labels.enumerated() where gold.contains(index) || predicted.contains(index) {
            let (precision, recall, f1) = Metrics.precisionRecallF1(predicted, gold, label: index)
            perClass[label] = .init(
                precision: precision, recall: recall, f1: f1, support: gold.filter { $0 == index }.count)
        }
        return EvaluationReport(
            task: task.rawValue, n: rows.count, accuracy: overall.accuracy, f1: overall.f1, auc: overall.auc,
            macroF1: overall.macroF1, labels: task.labels, perClass: perClass,
            confusion: Metrics.confusion(predicted, gold, labels: task.labels.count), byLanguage: byLanguage,
            learningCurve: nil)
    }

    static func slice(_ task: InsightTask, _ predicted: [Int], _ gold: [Int], _ scores: [Double])
        -> EvaluationReport.Slice
    {
        switch task {
        case .toxicity:
            EvaluationReport.Slice(
                n: gold.count, accuracy: Metrics.accuracy(predicted, gold),
                f1: Metrics.precisionRecallF1(predicted, gold, label: 1).2,
                auc: Metrics.rocAUC(scores: scores, gold: gold),
                macroF1: nil)
        case .feedback:
            EvaluationReport.Slice(
                n: gold.count, accuracy: Metrics.accuracy(predicted, gold), f1: nil, auc: nil,
                macroF1: Metrics.macroF1(predicted, gold, labels: task.labels.count))
        }
    }

    /// The learning curve: shuffle with `seed`, split in halves; for each N start from the default model, learn
    /// the first N rows of the first half in order, and evaluate on the whole second half.
    public static func learningCurve(
        _ engine: TriageEngine, task: InsightTask, rows: [LabelledText], decisions: [Int], seed: UInt64
    ) -> [EvaluationReport.CurvePoint] {
        var generator = SeededGenerator(seed: seed)
        let shuffled = rows.shuffled(using: &generator)
        let half = shuffled.count / 2
        let learning = Array(shuffled[..<half])
        let held = Array(shuffled[half...])
        return ([0] + decisions.filter { $0 > 0 }).map { count in
            var adapted = engine
            for row in learning.prefix(count) { adapted.learn(row, task: task) }
            let report = evaluate(adapted, task: task, rows: held)
            return EvaluationReport.CurvePoint(
                decisions: min(count, learning.count), accuracy: report.accuracy,
                f1: report.f1 ?? report.macroF1 ?? 0, auc: report.auc)
        }
    }
}
