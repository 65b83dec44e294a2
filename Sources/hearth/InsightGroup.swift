import ArgumentParser
import Foundation
import HearthInsight

extension InsightCommand {
    /// How well near-duplicates are grouped, on texts and the pairs people linked as the same.
    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Measure the grouping of near-duplicates: the texts placed one by one as the feedback board places \
                posts, against pairs linked as the same (precision and recall of "same item" pairs per threshold).
                """)

        @OptionGroup var data: DataOptions
        @Option(help: "The column holding each text's id.")
        var idColumn: String
        @Option(help: "The column naming each text's community (one board each); without it, one community.")
        var communityColumn: String?
        @Option(help: "A CSV file of linked pairs: two columns of ids, with a header.")
        var pairs: String
        @Option(help: "Comma-separated similarity thresholds (0 to 1).")
        var thresholds = "0.2,0.25,0.3,0.35,0.4,0.5,0.6"
        @Option(help: "Also print the items of two texts or more that this threshold makes, each text's start shown.")
        var show: Double?
        @Flag(help: "Print one JSON object instead of a table.")
        var json = false

        func run() async {
            await InsightCommand.guarded {
                let table = try data.table()
                let text = try table.column(data.textColumn)
                let id = try table.column(idColumn)
                let community = try communityColumn.map { try table.column($0) }
                let texts = table.rows.map { row in
                    (id: row[id], community: community.map { row[$0] } ?? "", text: row[text])
                }
                let linked = try DataOptions.table(at: pairs).rows.compactMap { $0.count >= 2 ? ($0[0], $0[1]) : nil }
                let parts = thresholds.split(separator: ",")
                let levels = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard !levels.isEmpty, levels.count == parts.count, levels.allSatisfy({ (0...1).contains($0) }) else {
                    throw CLIFailure("--thresholds takes numbers from 0 to 1 separated by commas, like 0.3,0.4.")
                }
                let report = ResemblanceEvaluation.evaluate(
                    Reader(lexicon: try .bundled()), texts: texts, linked: linked,
                    thresholds: levels, showGroups: show)
                if json {
                    try InsightCommand.printJSON(report)
                    return
                }
                print(
                    "\(report.texts) texts, \(report.linked) linked pairs among them, \(report.sameItemPairs) pairs "
                        + "in one item by their links\n")
                print("| threshold | items of 2+ | pairs in one item | linked among them | precision | recall |")
                print("|---:|---:|---:|---:|---:|---:|")
                for point in report.points {
                    print(
                        "| \(point.threshold) | \(point.items) | \(point.found) | \(point.correct) | "
                            + String(format: "%.3f | %.3f |", point.precision, point.recall))
                }
                if let scores = report.linkedScores {
                    print("\nLinked pairs and how alike the board finds them:")
                    for pair in scores.sorted(by: { $0.score > $1.score }) {
                        print(String(format: "  %.3f  %@ ~ %@", pair.score, pair.first, pair.second))
                    }
                }
                let start = Dictionary(texts.map { ($0.id, $0.text.prefix(100)) }) { first, _ in first }
                for group in report.points.compactMap(\.groups).joined() {
                    print("")
                    for member in group { print("  \(member): \(start[member] ?? "")") }
                }
            }
        }
    }
}
