import Foundation

/// How well the board groups near-duplicates: posts placed one by one as the board places them (each joins the item
/// it resembles most at the threshold, or starts one), against the pairs people linked as duplicates. A pair of posts
/// is "the same item" for people when a chain of links joins them (A closed as a duplicate of B, B of C: A and C are
/// one item too), and for the board when they land in one item. What `hearth insight group` prints.
public struct ResemblanceReport: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var threshold: Double
        /// Pairs of posts the board put in one item, and how many of them people linked (directly or by a chain).
        public var found: Int
        public var correct: Int
        public var precision: Double
        public var recall: Double
        /// Items holding two posts or more.
        public var items: Int
        /// The ids in each item of two posts or more, when asked for.
        public var groups: [[String]]?
    }

    public var texts: Int
    /// Linked pairs whose two texts are both in the data.
    public var linked: Int
    /// Pairs of texts that links join, directly or by a chain: what recall counts against.
    public var sameItemPairs: Int
    public var points: [Point]
    /// Each linked pair and how alike the board finds its two texts (among all its community's), when asked for.
    public var linkedScores: [LinkedScore]?

    public struct LinkedScore: Codable, Sendable {
        public var first: String
        public var second: String
        public var score: Double
    }
}

public enum ResemblanceEvaluation {
    /// Places the texts in the order given (the order they were written), each community on its own board, once per
    /// threshold, and counts the "same item" pairs found and right. `showGroups` keeps the items of that threshold.
    public static func evaluate(
        _ reader: Reader, texts: [(id: String, community: String, text: String)], linked: [(String, String)],
        thresholds: [Double], showGroups: Double? = nil
    ) -> ResemblanceReport {
        let gists = texts.map { reader.gist($0.text) }
        let position = Dictionary(texts.enumerated().map { ($0.element.id, $0.offset) }) { first, _ in first }
        // People's items: the texts links join, by union-find.
        var parent = Array(texts.indices)
        func root(_ text: Int) -> Int {
            var text = text
            while parent[text] != text {
                parent[text] = parent[parent[text]]
                text = parent[text]
            }
            return text
        }
        var links = 0
        for (one, other) in linked {
            guard let a = position[one], let b = position[other], a != b else { continue }
            links += 1
            parent[root(a)] = root(b)
        }
        let sizes = Dictionary(grouping: texts.indices, by: root).values.map(\.count)
        let sameItemPairs = sizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        let points = thresholds.sorted().map { threshold in
            var boards: [String: ResemblanceIndex<Int>] = [:]
            var members: [[Int]] = []
            for (text, row) in texts.enumerated() {
                if let item = boards[row.community, default: ResemblanceIndex()]
                    .nearest(gists[text], threshold: threshold, limit: 1).first?.id
                {
                    members[item].append(text)
                } else {
                    boards[row.community, default: ResemblanceIndex()].add(members.count, gists[text])
                    members.append([text])
                }
            }
            let grouped = members.filter { $0.count > 1 }
            var (found, correct) = (0, 0)
            for item in grouped {
                for (index, one) in item.enumerated() {
                    for other in item[(index + 1)...] {
                        found += 1
                        if root(one) == root(other) { correct += 1 }
                    }
                }
            }
            return ResemblanceReport.Point(
                threshold: threshold, found: found, correct: correct,
                precision: found == 0 ? 0 : Double(correct) / Double(found),
                recall: sameItemPairs == 0 ? 0 : Double(correct) / Double(sameItemPairs), items: grouped.count,
                groups: threshold == showGroups ? grouped.map { $0.map { texts[$0].id } } : nil)
        }
        var linkedScores: [ResemblanceReport.LinkedScore]?
        if showGroups != nil {
            var boards: [String: ResemblanceIndex<Int>] = [:]
            for (text, row) in texts.enumerated() {
                boards[row.community, default: ResemblanceIndex()].add(text, gists[text])
            }
            linkedScores = linked.compactMap { one, other in
                guard let a = position[one], let b = position[other], a != b,
                    let score = boards[texts[b].community]?.score(gists[a], against: b)
                else { return nil }
                return .init(first: one, second: other, score: score)
            }
        }
        return ResemblanceReport(
            texts: texts.count, linked: links, sameItemPairs: sameItemPairs, points: points, linkedScores: linkedScores)
    }
}
