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
        var probabilities = logits
        var total: Float = 0
        for index in probabilities.indices {
            probabilities[index] = exp(probabilities[index] - top)
            total += probabilities[index]
        }
        for index in probabilities.indices { probabilities[index] /= total }
        return probabilities
    }

    /// Probabilities and where they came from, in one pass over the features. `tokens` is the number of tokens of
    /// the reading the features came from.
    func score(_ vector: FeatureVector, tokens: Int, adding delta: ModelDelta? = nil) -> Scored {
        let outputs = outputs
        let mask = mask
        var logits = bias
        if let delta { for output in 0..<outputs { logits[output] += delta.bias[output] } }
        var sums = [Float](repeating: 0, count: outputs * tokens)
        // Whole-post features are few: their pushes are worked out as they come, for the logits and the
        // explanation.
        var namedHashes: [UInt32] = []
        namedHashes.reserveCapacity(32)
        var namedPushes: [Float] = []
        namedPushes.reserveCapacity(32 * outputs)
        func addNamed(_ feature: Feature) {
            let row = Int(feature.hash & mask) &* outputs
            namedHashes.append(feature.hash)
            for output in 0..<outputs {
                let push = (weights[row + output] + (delta?.weight(row + output) ?? 0)) * feature.value
                namedPushes.append(push)
                logits[output] += push
            }
        }
        weights.withUnsafeBufferPointer { table in
            sums.withUnsafeMutableBufferPointer { sums in
                if outputs == 1 && delta == nil {
                    // The common case (a two-label model with no community layer). Features come in runs from one
                    // token: a run's pushes are summed in a register and written once, so the loop carries no
                    // store-to-load chain through `sums`.
                    var origin = -1
                    var running: Float = 0
                    for feature in vector.features {
                        guard feature.origin >= 0 && feature.hash & FeatureHash.namedBit == 0 else {
                            addNamed(feature)
                            continue
                        }
                        if Int(feature.origin) != origin {
                            if origin >= 0 { sums[origin] += running }
                            running = 0
                            origin = Int(feature.origin)
                        }
                        running += table[Int(feature.hash & mask)] * feature.value
                    }
                    if origin >= 0 { sums[origin] += running }
                } else {
                    for feature in vector.features {
                        guard feature.origin >= 0 && feature.hash & FeatureHash.namedBit == 0 else {
                            addNamed(feature)
                            continue
                        }
                        let row = Int(feature.hash & mask) &* outputs
                        let origin = Int(feature.origin)
                        for output in 0..<outputs {
                            var weight = table[row &+ output]
                            if let delta { weight += delta.weight(row &+ output) }
                            sums[output &* tokens &+ origin] += weight * feature.value
                        }
                    }
                }
                for output in 0..<outputs {
                    var total: Float = 0
                    for token in 0..<tokens { total += sums[output &* tokens &+ token] }
                    logits[output] += total
                }
            }
        }
        return Scored(
            probabilities: Self.link(logits), outputs: outputs, tokens: tokens, sums: sums,
            namedHashes: namedHashes, namedPushes: namedPushes)
    }
}

/// A model's probabilities for one post, with what each token and named feature pushed each output by.
struct Scored {
    var probabilities: [Float]
    let outputs: Int
    let tokens: Int
    /// Σ weight × value by output and token: `sums[output * tokens + token]`.
    let sums: [Float]
    /// Whole-post features, and what each pushed each output by: `namedPushes[entry * outputs + output]`.
    let namedHashes: [UInt32]
    let namedPushes: [Float]

    /// How much each token and named feature pushed `label` up (positive) or down. With one output (two labels)
    /// the push on label 1 is the output's; with softmax, a feature helps a label by how much more it pushes there
    /// than on average.
    func contributions(label: Int) -> Contributions {
        var byToken = [Float](repeating: 0, count: tokens)
        for token in 0..<tokens { byToken[token] = push(sums, first: token, stride: tokens, label: label) }
        var named: [(hash: UInt32, value: Float)] = []
        named.reserveCapacity(namedHashes.count)
        for (entry, hash) in namedHashes.enumerated() {
            named.append((hash, push(namedPushes, first: entry * outputs, stride: 1, label: label)))
        }
        return Contributions(byToken: byToken, named: named)
    }

    /// What `values[first + output * stride]` says for `label`.
    private func push(_ values: [Float], first: Int, stride: Int, label: Int) -> Float {
        if outputs == 1 { return label == 0 ? -values[first] : values[first] }
        var total: Float = 0
        for output in 0..<outputs { total += values[first + output * stride] }
        return values[first + label * stride] - total / Float(outputs)
    }
}

/// Where a label's score came from: each token's words and grams, and the named whole-post features.
struct Contributions {
    var byToken: [Float]
    var named: [(hash: UInt32, value: Float)] = []
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
