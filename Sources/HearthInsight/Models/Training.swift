import Foundation

extension InsightTask {
    /// Trains this task's model from labelled texts, with the task's default features.
    public func train(
        _ rows: [LabelledText], lexicon: Lexicon, settings: TrainingSettings = TrainingSettings(), provenance: String
    ) -> LinearModel {
        let reader = Reader(lexicon: lexicon)
        let extractor = FeatureExtractor(defaultFeatures)
        let examples = rows.map { Example(features: extractor.features(of: reader.read($0.text)), label: $0.label) }
        let header = LinearModel.Header(
            task: rawValue, labels: labels, bits: defaultBits, features: defaultFeatures, provenance: provenance)
        return LinearModel.train(header: header, examples: examples, settings: settings)
    }
}
