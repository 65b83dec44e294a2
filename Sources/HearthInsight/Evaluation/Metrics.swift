/// Classification metrics, computed from predictions and gold labels.
public enum Metrics {
    public static func accuracy(_ predicted: [Int], _ gold: [Int]) -> Double {
        guard !gold.isEmpty else { return 0 }
        return Double(zip(predicted, gold).filter { $0 == $1 }.count) / Double(gold.count)
    }

    /// Precision, recall and F1 of one label.
    public static func precisionRecallF1(_ predicted: [Int], _ gold: [Int], label: Int) -> (Double, Double, Double) {
        var truePositive = 0
        var falsePositive = 0
        var falseNegative = 0
        for (p, g) in zip(predicted, gold) {
            if p == label && g == label { truePositive += 1 }
            if p == label && g != label { falsePositive += 1 }
            if p != label && g == label { falseNegative += 1 }
        }
        let precision =
            truePositive + falsePositive == 0 ? 0 : Double(truePositive) / Double(truePositive + falsePositive)
        let recall = truePositive + falseNegative == 0 ? 0 : Double(truePositive) / Double(truePositive + falseNegative)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return (precision, recall, f1)
    }

    /// Mean F1 over the labels present in the gold set.
    public static func macroF1(_ predicted: [Int], _ gold: [Int], labels: Int) -> Double {
        let present = (0..<labels).filter { gold.contains($0) }
        guard !present.isEmpty else { return 0 }
        return present.map { precisionRecallF1(predicted, gold, label: $0).2 }.reduce(0, +) / Double(present.count)
    }

    /// Area under the ROC curve: the chance a random positive scores above a random negative (ties count half).
    public static func rocAUC(scores: [Double], gold: [Int]) -> Double? {
        let positives = gold.filter { $0 == 1 }.count
        let negatives = gold.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var position = 0
        while position < order.count {
            var end = position
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[position]] { end += 1 }
            let averageRank = Double(position + end) / 2 + 1
            for index in position...end where gold[order[index]] == 1 { rankSum += averageRank }
            position = end + 1
        }
        return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    /// confusion[gold][predicted].
    public static func confusion(_ predicted: [Int], _ gold: [Int], labels: Int) -> [[Int]] {
        var matrix = Array(repeating: Array(repeating: 0, count: labels), count: labels)
        for (p, g) in zip(predicted, gold) { matrix[g][p] += 1 }
        return matrix
    }
}
