import Foundation

/// A labelled example: features and the index of its label.
public struct Example: Sendable {
    public var features: FeatureVector
    public var label: Int
    /// The group whose labels are balanced together (the post's language when training a default model), so
    /// that a language with mostly toxic data does not make its every word look toxic.
    public var stratum: Int

    public init(features: FeatureVector, label: Int, stratum: Int = 0) {
        self.features = features
        self.label = label
        self.stratum = stratum
    }
}

/// Settings for batch training; the defaults made the committed models.
public struct TrainingSettings: Sendable, Codable {
    public var epochs = 6
    public var learningRate: Float = 0.2
    public var l2: Float = 1e-6
    /// Weigh each label by the inverse of its frequency to this power (0: not at all, 1: fully balanced), so a
    /// rare kind such as "bug" is not drowned by "discussion".
    public var balance: Float = 1
    public var seed: UInt64 = 42

    public init() {}
}

extension LinearModel {
    /// Trains a model by AdaGrad over shuffled passes of the examples.
    public static func train(header: Header, examples: [Example], settings: TrainingSettings) -> LinearModel {
        var model = LinearModel(header: header)
        var accumulators = Array(repeating: Float(0), count: model.weights.count)
        var biasAccumulators = Array(repeating: Float(0), count: model.outputs)
        let classWeights = classWeights(examples, labels: header.labels.count, power: settings.balance)
        var generator = SeededGenerator(seed: settings.seed)
        var order = Array(examples.indices)
        for _ in 0..<settings.epochs {
            order.shuffle(using: &generator)
            for index in order {
                let example = examples[index]
                let gradient = model.gradient(
                    example, weight: classWeights[example.stratum][example.label], delta: nil)
                model.step(
                    example.features, gradient, rate: settings.learningRate, l2: settings.l2,
                    accumulators: &accumulators, biasAccumulators: &biasAccumulators)
            }
        }
        return model
    }

    /// Per stratum and label, the inverse of the label's frequency in the stratum to `power`, scaled so that
    /// each stratum keeps its share of the data.
    static func classWeights(_ examples: [Example], labels: Int, power: Float) -> [[Float]] {
        let strata = (examples.map(\.stratum).max() ?? 0) + 1
        var counts = Array(repeating: Array(repeating: 0, count: labels), count: strata)
        for example in examples { counts[example.stratum][example.label] += 1 }
        return counts.map { row in
            let total = row.reduce(0, +)
            let present = row.filter { $0 > 0 }.count
            return row.map { count in
                count == 0 ? 1 : pow(Float(total) / Float(present * count), power)
            }
        }
    }

    /// d(loss)/d(logit) for each output.
    func gradient(_ example: Example, weight: Float, delta: ModelDelta?) -> [Float] {
        let probabilities = Self.link(logits(example.features, adding: delta))
        if outputs == 1 { return [(probabilities[1] - (example.label == 1 ? 1 : 0)) * weight] }
        return probabilities.indices.map { (probabilities[$0] - ($0 == example.label ? 1 : 0)) * weight }
    }

    mutating func step(
        _ vector: FeatureVector, _ gradient: [Float], rate: Float, l2: Float, accumulators: inout [Float],
        biasAccumulators: inout [Float]
    ) {
        let outputs = outputs
        for output in 0..<outputs {
            biasAccumulators[output] += gradient[output] * gradient[output]
            bias[output] -= rate * gradient[output] / (biasAccumulators[output].squareRoot() + 1e-6)
        }
        for feature in vector.features {
            let row = Int(feature.hash & mask) * outputs
            for output in 0..<outputs {
                let index = row + output
                let g = gradient[output] * feature.value + l2 * weights[index]
                accumulators[index] += g * g
                weights[index] -= rate * g / (accumulators[index].squareRoot() + 1e-6)
            }
        }
    }
}

/// A default model and what one community taught it. Scoring adds the two; learning changes only the
/// community's part, so the default stays as shipped and the adjustments can be saved, loaded or dropped.
public struct AdaptiveModel: Sendable {
    public let base: LinearModel
    public private(set) var delta: ModelDelta
    private(set) var accumulators: [Int: Float] = [:]
    private(set) var biasAccumulators: [Float]
    /// Decisions learned so far.
    public private(set) var decisions = 0
    public var learningRate: Float
    /// Pull of the adjustments back towards the default, per update.
    public var l2: Float

    /// The community layer's rate, for every task: 0.3 learns a new register within a few hundred decisions (600
    /// decisions on French chats: 0.65 at 0.1, 0.68 at 0.3) without letting four decisions about one word make
    /// every post with it look toxic (0.5 learned a little faster and raised an innocent post with the word from
    /// 0.15 to 0.80; see the README).
    public init(base: LinearModel, learningRate: Float = 0.3, l2: Float = 1e-5) {
        self.base = base
        self.delta = ModelDelta(outputs: base.outputs)
        self.biasAccumulators = Array(repeating: 0, count: base.outputs)
        self.learningRate = learningRate
        self.l2 = l2
    }

    public func probabilities(_ vector: FeatureVector) -> [Float] {
        base.probabilities(vector, adding: delta.isEmpty ? nil : delta)
    }

    func score(_ vector: FeatureVector, tokens: Int) -> Scored {
        base.score(vector, tokens: tokens, adding: delta.isEmpty ? nil : delta)
    }

    /// Learns one decision of the community manager: `label` is the index of the right answer.
    public mutating func learn(_ vector: FeatureVector, label: Int) {
        let gradient = base.gradient(Example(features: vector, label: label), weight: 1, delta: delta)
        let outputs = base.outputs
        for output in 0..<outputs {
            biasAccumulators[output] += gradient[output] * gradient[output]
            delta.bias[output] -= learningRate * 0.1 * gradient[output] / (biasAccumulators[output].squareRoot() + 1e-6)
        }
        for feature in vector.features {
            let row = Int(feature.hash & base.mask) * outputs
            for output in 0..<outputs {
                let index = row + output
                let current = delta.weights[index] ?? 0
                let g = gradient[output] * feature.value + l2 * current
                let accumulated = (accumulators[index] ?? 0) + g * g
                accumulators[index] = accumulated
                delta.weights[index] = current - learningRate * g / (accumulated.squareRoot() + 1e-6)
            }
        }
        decisions += 1
    }

    /// Starts from saved adjustments.
    public init(base: LinearModel, delta: ModelDelta, decisions: Int) {
        self.init(base: base)
        self.delta = delta
        self.decisions = decisions
    }

    /// Starts from saved adjustments and the history of their learning rates.
    init(
        base: LinearModel, delta: ModelDelta, decisions: Int, accumulators: [Int: Float], biasAccumulators: [Float]
    ) {
        self.init(base: base, delta: delta, decisions: decisions)
        self.accumulators = accumulators
        self.biasAccumulators = biasAccumulators
    }
}

/// SplitMix64: a small seeded generator, so shuffles are the same on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
