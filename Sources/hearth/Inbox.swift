import ArgumentParser
import Foundation
import HearthApp
import HearthCore
import Logging

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Measure the priority inbox's ranking.", subcommands: [Evaluate.self])

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: """
                Replay a labelled stream of posts into a fresh community in a temporary folder and report how the \
                inbox ranks pertinent posts above trolls and chatter, before and after the community manager's \
                decisions.
                """)

        @Option(help: "CSV with the columns text, label (pertinent|troll|chatter), author (newcomer|regular), title.")
        var data: String
        @Option(help: "Decisions the community manager makes on one half, measured on the other, comma-separated.")
        var decisions: String = "50,200,600"
        @Option(help: "Seed of the split into halves.") var seed: UInt64 = 42
        @Flag(help: "Print the report as JSON.") var json = false
        @Flag(help: "Also print each stage's first page: every item's label, score and reasons.") var verbose = false

        func run() async throws {
            let steps = decisions.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !steps.isEmpty, steps.allSatisfy({ $0 > 0 }) else {
                throw CLIFailure("--decisions is a list of positive numbers, like 50,200,600.")
            }
            guard let text = try? String(contentsOfFile: data, encoding: .utf8) else {
                throw CLIFailure("Could not read \(data) as UTF-8 text.")
            }
            try await CLI.run(overrides: [:]) { _, logger in
                let rows = try InboxEvaluation.rows(csv: text)
                let folder = FileManager.default.temporaryDirectory
                    .appendingPathComponent("hearth-inbox-eval-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                var quiet = logger
                quiet.logLevel = .error
                let report = try await InboxEvaluation(rows: rows, decisionSteps: steps, seed: seed).run(
                    in: folder, logger: quiet
                ) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    print(Self.render(report))
                    if verbose {
                        for stage in [report.whole] + report.stages {
                            print("\nFirst page after \(stage.made) decisions:")
                            for line in stage.firstPageLines { print("  " + line) }
                        }
                    }
                }
            }
        }

        static func render(_ report: InboxEvaluation.Report) -> String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
            let counts = InboxEvaluation.Label.allCases.map { "\($0.rawValue) \(report.counts[$0.rawValue] ?? 0)" }
            var lines = [
                "\(report.rows) posts (\(counts.joined(separator: ", "))), \(report.skipped) refused by the forum; "
                    + "\(report.measured) held out for measuring.",
                "",
                "| stage | decisions made | pertinent > troll (AUC) | pertinent > chatter (AUC) | pertinent on first page | in the inbox |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            func line(_ name: String, _ stage: InboxEvaluation.Stage) {
                lines.append(
                    "| \(name) | \(stage.made) | \(number(stage.pertinentOverTroll)) | "
                        + "\(number(stage.pertinentOverChatter)) | \(number(stage.firstPage)) of \(stage.firstPageItems) | "
                        + "\(stage.listed) |")
            }
            line("every post, out of the box", report.whole)
            for (language, stage) in report.languages.sorted(by: { $0.key < $1.key }) {
                line("\(language) posts only, out of the box", stage)
            }
            for stage in report.stages {
                line(
                    stage.decisions == 0 ? "held-out half, out of the box" : "after \(stage.decisions) decisions", stage
                )
            }
            return lines.joined(separator: "\n")
        }
    }
}
