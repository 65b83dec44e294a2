import Foundation

/// How well "same item" pairs are found: each text's nearest neighbours in the index of its community (one board
/// each), against pairs people linked as duplicates. What `hearth insight group` prints.
public struct ResemblanceReport: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var threshold: Double
        /// Pairs found at this threshold, and how many of them are linked.
        public var found: Int
        public var correct: Int
        public var precision: Double
        public var recall: Double
    }

    public var texts: Int
    /// Linked pairs whose two texts are both in the data.
    public var linked: Int
    public var points: [Point]
}

public enum ResemblanceEvaluation {
    /// Scores every unordered pair a text's `neighbours` nearest in its community give, then counts, per
    /// threshold, the pairs found and how many of them are in `linked`.
    public static func evaluate(
        _ reader: Reader, texts: [(id: String, community: String, text: String)], linked: [(String, String)],
        thresholds: [Double], neighbours: Int = 3
    ) -> ResemblanceReport {
        let gists = texts.map { reader.gist($0.text) }
        var indexes: [String: ResemblanceIndex<String>] = [:]
        for (position, row) in texts.enumerated() {
            indexes[row.community, default: ResemblanceIndex()].add(row.id, gists[position])
        }
        let floor = thresholds.min() ?? 0
        var best: [Pair: Double] = [:]
        for (position, row) in texts.enumerated() {
            for match in indexes[row.community]!.nearest(
                gists[position], threshold: floor, limit: neighbours, excluding: row.id)
            {
                let pair = Pair(row.id, match.id)
                best[pair] = max(best[pair] ?? 0, match.score)
            }
        }
        let known = Set(texts.map(\.id))
        let gold = Set(linked.filter { known.contains($0.0) && known.contains($0.1) && $0.0 != $0.1 }.map(Pair.init))
        let points = thresholds.sorted().map { threshold in
            let found = best.filter { $0.value >= threshold }.map(\.key)
            let correct = found.count { gold.contains($0) }
            return ResemblanceReport.Point(
                threshold: threshold, found: found.count, correct: correct,
                precision: found.isEmpty ? 0 : Double(correct) / Double(found.count),
                recall: gold.isEmpty ? 0 : Double(correct) / Double(gold.count))
        }
        return ResemblanceReport(texts: texts.count, linked: gold.count, points: points)
    }

    /// An unordered pair of ids.
    struct Pair: Hashable {
        let first: String
        let second: String

        init(_ a: String, _ b: String) {
            (first, second) = a < b ? (a, b) : (b, a)
        }
    }
}
