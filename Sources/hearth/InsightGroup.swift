import ArgumentParser
import Foundation
import HearthInsight

extension InsightCommand {
    /// How well near-duplicates are grouped, on texts and the pairs people linked as the same.
    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Measure the grouping of near-duplicates: each text's nearest neighbours against pairs linked as the \
                same (precision and recall of "same item" pairs per threshold).
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
                    thresholds: levels)
                if json {
                    try InsightCommand.printJSON(report)
                    return
                }
                print("\(report.texts) texts, \(report.linked) linked pairs among them\n")
                print("| threshold | pairs found | linked among them | precision | recall |")
                print("|---:|---:|---:|---:|---:|")
                for point in report.points {
                    print(
                        "| \(point.threshold) | \(point.found) | \(point.correct) | "
                            + String(format: "%.3f | %.3f |", point.precision, point.recall))
                }
            }
        }
    }
}
