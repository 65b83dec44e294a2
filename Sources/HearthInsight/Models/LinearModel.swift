import Foundation

/// A linear model over hashed features: logistic regression for two labels, softmax regression for more.
///
/// Weights live in one table of `2^bits` rows × outputs, so scoring a post is one pass over its features with one
/// cache line touched per feature. Models are trained and adapted with AdaGrad (`ModelLearner`).
public struct LinearModel: Sendable {
    public struct Header: Codable, Sendable, Equatable {
        public var task: String
        public var labels: [String]
        public var bits: Int
        public var features: FeatureSet
        /// How the model was made: data, command, date. Shown by `hearth insight` and kept with the file.
        public var provenance: String
    }

    public internal(set) var header: Header
    var weights: [Float]
    var bias: [Float]

    public var labels: [String] { header.labels }
    /// One output (the positive label's logit) for two labels, one per label otherwise.
    public var outputs: Int { header.labels.count == 2 ? 1 : header.labels.count }
    var mask: UInt32 { UInt32((1 << header.bits) - 1) }

    public init(header: Header) {
        self.header = header
        let outputs = header.labels.count == 2 ? 1 : header.labels.count
        self.weights = Array(repeating: 0, count: (1 << header.bits) * outputs)
        self.bias = Array(repeating: 0, count: outputs)
    }

    /// Raw scores before the link function.
    func logits(_ vector: FeatureVector, adding delta: ModelDelta? = nil) -> [Float] {
        var logits = bias
        let outputs = outputs
        let mask = mask
        weights.withUnsafeBufferPointer { table in
            if outputs == 1 {
                var sum = logits[0]
                for feature in vector.features { sum += table[Int(feature.hash & mask)] * feature.value }
                logits[0] = sum
                return
            }
            for feature in vector.features {
                let row = Int(feature.hash & mask) &* outputs
                for output in 0..<outputs { logits[output] += table[row &+ output] * feature.value }
            }
        }
        if let delta { delta.add(to: &logits, vector, mask: mask, outputs: outputs) }
        return logits
    }

    /// Probability of each label, in `labels` order.
    public func probabilities(_ vector: FeatureVector, adding delta: ModelDelta? = nil) -> [Float] {
        Self.link(logits(vector, adding: delta))
    }

    static func link(_ logits: [Float]) -> [Float] {
        if logits.count == 1 {
            let positive = 1 / (1 + exp(-logits[0]))
            return [1 - positive, positive]
        }
        let top = logits.max() ?? 0
        let exps = logits.map { exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// How much each feature pushed `label` up (positive) or down (weight × value), with the token it came from.
    func contributions(_ vector: FeatureVector, label: Int, adding delta: ModelDelta? = nil) -> [Feature] {
        let outputs = outputs
        var result: [Feature] = []
        result.reserveCapacity(vector.features.count)
        for feature in vector.features {
            let row = Int(feature.hash & mask) * outputs
            var weight: Float
            if outputs == 1 {
                weight = weights[row] + (delta?.weight(row) ?? 0)
                if label == 0 { weight = -weight }
            } else {
                // Softmax: a feature helps a label by how much more it weighs there than on average.
                var mean: Float = 0
                var own: Float = 0
                for output in 0..<outputs {
                    let value = weights[row + output] + (delta?.weight(row + output) ?? 0)
                    mean += value / Float(outputs)
                    if output == label { own = value }
                }
                weight = own - mean
            }
            result.append(Feature(hash: feature.hash, value: weight * feature.value, origin: feature.origin))
        }
        return result
    }
}

/// A community's adjustments on top of a model: a sparse table of weight changes, learned online.
public struct ModelDelta: Sendable {
    var weights: [Int: Float] = [:]
    var bias: [Float]

    init(outputs: Int) {
        bias = Array(repeating: 0, count: outputs)
    }

    @inline(__always)
    func weight(_ index: Int) -> Float { weights[index] ?? 0 }

    func add(to logits: inout [Float], _ vector: FeatureVector, mask: UInt32, outputs: Int) {
        for output in 0..<outputs { logits[output] += bias[output] }
        guard !weights.isEmpty else { return }
        for feature in vector.features {
            let row = Int(feature.hash & mask) * outputs
            for output in 0..<outputs {
                if let weight = weights[row + output] { logits[output] += weight * feature.value }
            }
        }
    }

    public var isEmpty: Bool { weights.isEmpty && bias.allSatisfy { $0 == 0 } }
}
