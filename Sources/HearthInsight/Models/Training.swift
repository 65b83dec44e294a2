import Foundation

extension InsightTask {
    /// Trains this task's model from labelled texts, with the task's default features.
    public func train(
        _ rows: [LabelledText], lexicon: Lexicon, settings: TrainingSettings = TrainingSettings(), provenance: String,
        stratified: Bool = true
    ) -> LinearModel {
        let reader = Reader(lexicon: lexicon)
        let sentiment = SentimentAnalyzer(lexicon: lexicon)
        let extractor = FeatureExtractor(defaultFeatures)
        let examples = rows.map { row in
            let reading = reader.read(row.text)
            return Example(
                features: extractor.features(
                    of: reading, tone: defaultFeatures.feedbackCues ? sentiment.analyze(reading).compound : 0),
                label: row.label,
                stratum: stratified ? TextLanguage.allCases.firstIndex(of: reading.language)! : 0)
        }
        let header = LinearModel.Header(
            task: rawValue, labels: labels, bits: defaultBits, features: defaultFeatures, provenance: provenance)
        return LinearModel.train(header: header, examples: examples, settings: settings)
    }
}
