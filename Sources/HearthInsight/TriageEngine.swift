import Foundation

/// Reads a post and scores it: language, toxicity, feedback kind, sentiment, noise — each explained.
///
/// Pure: no I/O while scoring. Models come from the bundle (`bundled()`) or from files; a community's
/// adjustments are learned with `learn(_:decision:)` / `learn(_:kind:)` and saved with `adjustments()`.
public struct TriageEngine: Sendable {
    public let reader: Reader
    public private(set) var toxicity: AdaptiveModel
    public private(set) var feedback: AdaptiveModel
    /// Whether a post deserves a community manager's attention, learned only from that community's decisions in
    /// its inbox: it starts empty (no evidence either way) and reads the feedback model's features.
    public private(set) var pertinence: AdaptiveModel
    let toxicityFeatures: FeatureExtractor
    let feedbackFeatures: FeatureExtractor
    let sentiment: SentimentAnalyzer
    let noise = NoiseAnalyzer()

    public init(lexicon: Lexicon, toxicity: LinearModel, feedback: LinearModel) throws(InsightError) {
        guard toxicity.labels.count == 2 else { throw .badModel("the toxicity model must have two labels") }
        guard feedback.labels == FeedbackKind.allCases.map(\.rawValue) else {
            throw .badModel("the feedback model must have the labels \(FeedbackKind.allCases.map(\.rawValue))")
        }
        self.reader = Reader(lexicon: lexicon)
        self.toxicity = AdaptiveModel(base: toxicity)
        self.feedback = AdaptiveModel(base: feedback)
        self.pertinence = AdaptiveModel(
            base: LinearModel(
                header: LinearModel.Header(
                    task: "pertinence", labels: ["0", "1"], bits: Self.pertinenceBits,
                    features: feedback.header.features,
                    provenance: "empty: learned from one community's inbox decisions")),
            learningRate: 0.3)
        self.toxicityFeatures = FeatureExtractor(toxicity.header.features)
        self.feedbackFeatures = FeatureExtractor(feedback.header.features)
        self.sentiment = SentimentAnalyzer(lexicon: lexicon)
    }

    /// The engine with the models shipped in Hearth.
    public static func bundled() throws(InsightError) -> TriageEngine {
        try TriageEngine(
            lexicon: .bundled(), toxicity: bundledModel("toxicity"), feedback: bundledModel("feedback"))
    }

    static func bundledModel(_ name: String) throws(InsightError) -> LinearModel {
        guard let url = Bundle.module.url(forResource: name, withExtension: "htm", subdirectory: "Resources") else {
            throw .missingResource("\(name).htm")
        }
        return try LinearModel(contentsOf: url)
    }

    // MARK: Scoring

    public func analyze(_ text: String) -> Analysis {
        let reading = reader.read(text)
        let mood = sentiment.analyze(reading)
        let (toxicity, kinds, counterSpeech) = scoreToxicity(reading)
        let feedbackVector = feedbackFeatures.features(of: reading, tone: mood.compound)
        let (kind, feedback) = scoreFeedback(reading, feedbackVector)
        let sentimentReasons = mood.drivers.map {
            "\($0.word) (\($0.valence > 0 ? "+" : "")\(Self.format($0.valence)))"
        }
        return Analysis(
            language: reading.language, toxicity: toxicity, toxicKinds: kinds, isCounterSpeech: counterSpeech,
            feedbackKind: kind, feedback: feedback,
            sentiment: Signal(score: (mood.compound + 1) / 2, reasons: sentimentReasons),
            sentimentCompound: mood.compound, noise: noise.analyze(reading),
            pertinence: pertinence(reading, feedbackVector))
    }

    /// Rows of the pertinence model's table: 2^18 (1 MiB), as the feedback model's.
    static let pertinenceBits = 18

    /// What the community's inbox decisions say about this text's pertinence: log-odds evidence (0 when nothing
    /// was learned) and the words that moved it most, in the direction it points.
    public func pertinence(_ text: String) -> (evidence: Double, words: [String]) {
        guard pertinence.decisions > 0 else { return (0, []) }
        let reading = reader.read(text)
        return pertinence(reading, feedbackVector(reading))
    }

    func pertinence(_ reading: Reading, _ vector: FeatureVector) -> (evidence: Double, words: [String]) {
        guard pertinence.decisions > 0 else { return (0, []) }
        let scored = pertinence.score(vector, tokens: reading.tokens.count)
        let probability = Double(min(max(scored.probabilities[1], 1e-6), 1 - 1e-6))
        let evidence = log(probability / (1 - probability))
        let words = Self.reasons(scored.contributions(label: evidence >= 0 ? 1 : 0), reading: reading)
            .filter { $0.hasPrefix("\u{201C}") }
            .map { String($0.dropFirst().dropLast()) }
        return (evidence, words)
    }

    func scoreToxicity(_ reading: Reading) -> (Signal, [TermKind], Bool) {
        let vector = toxicityFeatures.features(of: reading)
        let scored = toxicity.score(vector, tokens: reading.tokens.count)
        var probability = Double(scored.probabilities[1])
        let said = reading.hits.filter { !$0.isMentioned && $0.kind != .attack && $0.kind != .condemn }
        let mentioned = reading.hits.filter { $0.isMentioned && $0.kind != .attack && $0.kind != .condemn }
        var kinds: [TermKind] = []
        for hit in said where !kinds.contains(hit.kind) { kinds.append(hit.kind) }
        let condemns = reading.hits.contains { $0.kind == .condemn }
        // Counter-speech: the toxic words are only quoted, negated or reported, or the post condemns abuse and
        // attacks nobody itself. Training data holds too little of it for the model to learn, so it is a rule.
        let attacks = said.contains { $0.kind == .insult || $0.kind == .threat || $0.kind == .dismiss }
        let counterSpeech = (said.isEmpty && !mentioned.isEmpty) || (condemns && !attacks)
        if counterSpeech { probability = Self.damp(probability) }
        var reasons = Self.reasons(scored.contributions(label: 1), reading: reading)
        if counterSpeech { reasons.append("reads as counter-speech (quoted, negated or condemning)") }
        return (Signal(score: probability, reasons: reasons), kinds, counterSpeech)
    }

    /// The feedback model's features of a reading, with its tone.
    func feedbackVector(_ reading: Reading) -> FeatureVector {
        feedbackFeatures.features(of: reading, tone: sentiment.analyze(reading).compound)
    }

    /// The feedback kind the model reads, and the words and cues (tone among them) that moved it. Praise and
    /// complaint are the model's too: it learns them from app reviews, with the post's tone as a feature.
    func scoreFeedback(_ reading: Reading, _ vector: FeatureVector) -> (FeedbackKind, Signal) {
        let scored = feedback.score(vector, tokens: reading.tokens.count)
        let probabilities = scored.probabilities
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        let reasons = Self.reasons(scored.contributions(label: best), reading: reading)
        return (FeedbackKind.allCases[best], Signal(score: Double(probabilities[best]), reasons: reasons))
    }

    /// The words and named features that pushed a label up most, strongest first.
    static func reasons(_ contributions: Contributions, reading: Reading) -> [String] {
        var ranked: [(token: Int, text: String?, value: Float)] = []
        ranked.reserveCapacity(contributions.byToken.count + contributions.named.count)
        for (text, value) in namedTotals(contributions.named) where value > 0.15 { ranked.append((-1, text, value)) }
        for (index, value) in contributions.byToken.enumerated() where value > 0.15 {
            // Short function words move scores a little everywhere; they explain nothing to a reader.
            if reading.tokens[index].kind != .word || reading.tokens[index].keyLength > 3 {
                ranked.append((index, nil, value))
            }
        }
        ranked.sort { $0.value > $1.value }
        var reasons: [String] = []
        reasons.reserveCapacity(5)
        var seen: [String] = []
        seen.reserveCapacity(4)
        for entry in ranked where reasons.count < 4 {
            if let text = entry.text {
                reasons.append(text)
                continue
            }
            let word = reading.tokens.original(entry.token)
            let folded = word.lowercased()
            guard !seen.contains(folded) else { continue }
            seen.append(folded)
            reasons.append("\u{201C}\(word)\u{201D}")
        }
        return reasons
    }

    /// Named features' contributions summed by what an explanation calls them; unnamed ones are left out.
    private static func namedTotals(_ named: [(hash: UInt32, value: Float)]) -> [(String, Float)] {
        var totals: [(String, Float)] = []
        totals.reserveCapacity(named.count)
        for (hash, value) in named {
            guard let text = FeatureNames.text(of: hash) else { continue }
            if let known = totals.firstIndex(where: { $0.0 == text }) {
                totals[known].1 += value
            } else {
                totals.append((text, value))
            }
        }
        return totals
    }

    /// Lowers a probability by a fixed amount of evidence (a logit shift of 3), keeping its order.
    static func damp(_ probability: Double) -> Double {
        let clamped = min(max(probability, 1e-6), 1 - 1e-6)
        let logit = log(clamped / (1 - clamped)) - 3
        return 1 / (1 + exp(-logit))
    }

    /// One decimal, rounded half away from zero ("0.35" → "0.4", "-2.05" → "-2.1"); by hand, because
    /// `String(format:)` cost a twelfth of scoring a post.
    static func format(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        let sign = value < 0 && tenths > 0 ? "-" : ""
        return "\(sign)\(tenths / 10).\(tenths % 10)"
    }

    // MARK: Learning

    /// Learns from a moderation decision: hidden → toxic; approved or answered → not toxic.
    public mutating func learn(_ text: String, decision: Decision) {
        toxicity.learn(toxicityFeatures.features(of: reader.read(text)), label: decision.isToxic ? 1 : 0)
    }

    /// Learns a toxicity label directly (the CLI's learning curve).
    public mutating func learn(_ text: String, toxic: Bool) {
        toxicity.learn(toxicityFeatures.features(of: reader.read(text)), label: toxic ? 1 : 0)
    }

    /// Learns one labelled row of `task` (label 1 = toxic for toxicity, a `FeedbackKind` index for feedback).
    public mutating func learn(_ row: LabelledText, task: InsightTask) {
        switch task {
        case .toxicity: learn(row.text, toxic: row.label == 1)
        case .feedback: learn(row.text, kind: FeedbackKind.allCases[row.label])
        }
    }

    /// Learns what kind of feedback a post was.
    public mutating func learn(_ text: String, kind: FeedbackKind) {
        let index = FeedbackKind.allCases.firstIndex(of: kind) ?? 0
        feedback.learn(feedbackVector(reader.read(text)), label: index)
    }

    /// Learns a community manager's decision in the inbox: pertinent, or a troll to let be.
    public mutating func learn(_ text: String, pertinent: Bool) {
        pertinence.learn(feedbackVector(reader.read(text)), label: pertinent ? 1 : 0)
    }

    /// Restores saved adjustments of the pertinence model.
    public mutating func load(pertinence data: Data) throws(InsightError) {
        var model = try AdaptiveModel(base: pertinence.base, adjustments: data)
        model.learningRate = pertinence.learningRate
        pertinence = model
    }

    /// This community's adjustments to both models, to save.
    public func adjustments() throws -> (toxicity: Data, feedback: Data) {
        (try toxicity.serializedAdjustments(), try feedback.serializedAdjustments())
    }

    /// Restores saved adjustments.
    public mutating func load(toxicity toxicityData: Data?, feedback feedbackData: Data?) throws(InsightError) {
        if let toxicityData { toxicity = try AdaptiveModel(base: toxicity.base, adjustments: toxicityData) }
        if let feedbackData { feedback = try AdaptiveModel(base: feedback.base, adjustments: feedbackData) }
    }
}
