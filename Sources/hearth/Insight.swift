import ArgumentParser
import Foundation
import HearthApp
import HearthCore
import HearthInsight

struct InsightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Score, evaluate and train the triage engine on CSV files; read the community's posts.",
        subcommands: [Score.self, Evaluate.self, Learn.self, Forget.self, Train.self, Backfill.self, Group.self])
}

extension InsightCommand {
    /// Prints one JSON object on one line, keys sorted (the `--json` of eval and group).
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Options every insight command shares: which models to use.
struct ModelOptions: ParsableArguments {
    @Option(help: "A folder with toxicity.htm and feedback.htm to use instead of the bundled models.")
    var models: String?

    @Flag(
        help: """
            Add what the community taught the bundled models (its moderators' decisions and `hearth insight \
            learn`), read from its database (--data-dir, --database-url).
            """)
    var learned = false

    @OptionGroup var storage: StorageOptions

    func engine() async throws -> TriageEngine {
        if learned {
            guard models == nil else {
                throw CLIFailure("--learned adjusts the bundled models; leave out --models.")
            }
            var engine: TriageEngine?
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                engine = try await InsightCommand.learning(services).engine()
            }
            guard let engine else { throw CLIFailure("The community's adjustments could not be read.") }
            return engine
        }
        if let models {
            let folder = URL(fileURLWithPath: models)
            return try TriageEngine(
                lexicon: .bundled(),
                toxicity: LinearModel(contentsOf: folder.appendingPathComponent("toxicity.htm")),
                feedback: LinearModel(contentsOf: folder.appendingPathComponent("feedback.htm")))
        }
        return try TriageEngine.bundled()
    }
}

/// The data file and its columns.
struct DataOptions: ParsableArguments {
    @Option(help: "The CSV file to read (RFC 4180: quoted fields may span lines).")
    var data: String

    @Option(help: "The column holding the text.")
    var textColumn: String

    func table() throws -> CSVTable {
        try Self.table(at: data)
    }

    /// A CSV file read whole, or a plain message saying why it cannot be.
    static func table(at path: String) throws -> CSVTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIFailure("Cannot read \(path): it does not exist, is not readable, or is not UTF-8 text.")
        }
        return try CSVTable(parsing: text)
    }
}

/// A labelled data file: the task, the CSV and its text and label columns (eval, learn, train).
struct LabelledDataOptions: ParsableArguments {
    @Option(help: "toxicity (labels 0/1, 1 = toxic or hidden) or feedback (question, suggestion, bug, …).")
    var task: InsightTask

    @OptionGroup var data: DataOptions

    @Option(help: "The column holding the gold label or decision.")
    var labelColumn: String

    /// Rows with a known label; rows with another label are counted and reported, not silently dropped.
    func rows() throws -> [LabelledText] {
        let table = try data.table()
        let textIndex = try table.column(data.textColumn)
        let labelIndex = try table.column(labelColumn)
        var rows: [LabelledText] = []
        var unknown: [String: Int] = [:]
        for row in table.rows {
            if let label = task.label(row[labelIndex]) {
                rows.append(LabelledText(text: row[textIndex], label: label))
            } else {
                unknown[row[labelIndex], default: 0] += 1
            }
        }
        if !unknown.isEmpty {
            let list = unknown.sorted { $0.value > $1.value }.prefix(5).map { "\u{201C}\($0.key)\u{201D} ×\($0.value)" }
            InsightCommand.note(
                "Skipped \(unknown.values.reduce(0, +)) rows whose label is not one of "
                    + "\(task.labels.joined(separator: ", ")): \(list.joined(separator: ", ")).")
        }
        guard !rows.isEmpty else { throw CLIFailure("No row of \(data.data) has a usable label in \(labelColumn).") }
        return rows
    }
}

extension InsightCommand {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Runs a body and turns every failure into one clear line and exit status 1.
    static func guarded(_ body: () async throws -> Void) async {
        do {
            try await body()
        } catch let error as InsightError {
            CLI.fail(error.description)
        } catch let error as CLIFailure {
            CLI.fail(error.description)
        } catch {
            CLI.fail("The command failed (\(type(of: error))).")
        }
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIFailure("Cannot write \(path): check that its folder exists and is writable.")
        }
    }

    /// The services' learning, or a clear failure in a build without the engine's models.
    static func learning(_ services: HearthServices) throws -> EngineLearning {
        guard let learning = services.learning else {
            throw CLIFailure("The triage engine's models are missing from this build.")
        }
        return learning
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add language, toxicity, feedback_kind, sentiment and explanation columns to every row.")

        @OptionGroup var data: DataOptions
        @OptionGroup var models: ModelOptions
        @Option(help: "Where to write the scored CSV (default: standard output).")
        var out: String?

        func run() async {
            await InsightCommand.guarded {
                let engine = try await models.engine()
                var table = try data.table()
                let textIndex = try table.column(data.textColumn)
                let added = ["language", "toxicity", "feedback_kind", "sentiment", "explanation"]
                let width = table.header.count
                table.header += added
                for index in table.rows.indices {
                    let analysis = engine.analyze(table.rows[index][textIndex])
                    table.rows[index] =
                        Array(table.rows[index].prefix(width)) + [
                            analysis.language.rawValue, String(format: "%.4f", analysis.toxicity.score),
                            analysis.feedbackKind.rawValue, String(format: "%.4f", analysis.sentimentCompound),
                            analysis.explanation,
                        ]
                }
                if let out {
                    try InsightCommand.write(table.rendered(), to: out)
                    InsightCommand.note("Scored \(table.rows.count) rows into \(out).")
                } else {
                    print(table.rendered(), terminator: "")
                }
            }
        }
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval", abstract: "Measure the engine against labelled rows, optionally as it learns them.")

        @OptionGroup var labelled: LabelledDataOptions
        @OptionGroup var models: ModelOptions
        @Option(help: "Comma-separated numbers of decisions to learn, e.g. 100,300,600.")
        var learningCurve: String?
        @Option(help: "Seed of the shuffle for --learning-curve.")
        var seed: UInt64 = 42
        @Flag(help: "Print one JSON object instead of tables.")
        var json = false

        func run() async {
            await InsightCommand.guarded {
                let engine = try await models.engine()
                let task = labelled.task
                let rows = try labelled.rows()
                var report = Evaluator.evaluate(engine, task: task, rows: rows)
                if let learningCurve {
                    let counts = learningCurve.split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    let numbers = counts.compactMap { Int($0) }
                    guard numbers.count == counts.count, numbers.allSatisfy({ $0 >= 0 }) else {
                        throw CLIFailure("--learning-curve takes whole numbers separated by commas, like 100,300,600.")
                    }
                    report.learningCurve = Evaluator.learningCurve(
                        engine, task: task, rows: rows, decisions: numbers, seed: seed)
                }
                if json {
                    try InsightCommand.printJSON(report)
                } else {
                    print(ReportText.render(report))
                }
            }
        }
    }

    struct Learn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Teach the community's adjustments, in its database, decisions made elsewhere (on top of those its \
                moderators make in Hearth); running servers use them within seconds.
                """)

        @OptionGroup var labelled: LabelledDataOptions
        @OptionGroup var storage: StorageOptions

        func run() async {
            await InsightCommand.guarded {
                let task = labelled.task
                let rows = try labelled.rows()
                try await CLI.withServices(overrides: storage.overrides) { services in
                    try await services.migrate()
                    let learning = try InsightCommand.learning(services)
                    try await learning.learn(EngineTask(task), rows: rows.map { ($0.text, $0.label) })
                    let total = try await learning.decisions(EngineTask(task))
                    InsightCommand.note(
                        "Learned \(rows.count) decisions; the community's \(task.rawValue) adjustments now hold "
                            + "\(total).")
                }
            }
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget what the community taught one model: the default model reads alone again.")

        @Option(help: "toxicity or feedback.") var task: InsightTask
        @OptionGroup var storage: StorageOptions

        func run() async {
            await InsightCommand.guarded {
                try await CLI.withServices(overrides: storage.overrides) { services in
                    try await services.migrate()
                    try await InsightCommand.learning(services).forget(EngineTask(task))
                    InsightCommand.note(
                        "The community's \(task.rawValue) adjustments are gone; running servers drop them within "
                            + "seconds.")
                }
            }
        }
    }

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a default model from labelled rows (how the bundled models were made; see training/).")

        @OptionGroup var labelled: LabelledDataOptions
        @Option(help: "Where to write the model file.")
        var out: String
        @Option(help: "Passes over the data.")
        var epochs = 6
        @Option(help: "AdaGrad learning rate.")
        var learningRate: Float = 0.2
        @Option(help: "Label balancing power: 0 none, 1 fully balanced.")
        var balance: Float = 1
        @Option(help: "Shuffle seed.")
        var seed: UInt64 = 42

        func run() async {
            await InsightCommand.guarded {
                let task = labelled.task
                let rows = try labelled.rows()
                var settings = TrainingSettings()
                settings.epochs = epochs
                settings.learningRate = learningRate
                settings.balance = balance
                settings.seed = seed
                let provenance =
                    "hearth insight train --task \(task.rawValue) --data \(URL(fileURLWithPath: labelled.data.data).lastPathComponent) "
                    + "--epochs \(epochs) --learning-rate \(learningRate) --balance \(balance) --seed \(seed); "
                    + "\(rows.count) rows"
                let model = task.train(rows, lexicon: try .bundled(), settings: settings, provenance: provenance)
                do {
                    try model.serialized().write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw CLIFailure("Cannot write the model to \(out).")
                }
                InsightCommand.note("Trained \(task.rawValue) on \(rows.count) rows; model written to \(out).")
            }
        }
    }
}

extension InsightTask: ExpressibleByArgument {}

extension EngineTask {
    init(_ task: InsightTask) {
        switch task {
        case .toxicity: self = .toxicity
        case .feedback: self = .feedback
        }
    }
}

/// The human-readable form of an evaluation report.
enum ReportText {
    static func render(_ report: EvaluationReport) -> String {
        var lines: [String] = []
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        lines.append("task \(report.task), \(report.n) rows")
        if report.task == InsightTask.toxicity.rawValue {
            lines.append("accuracy \(number(report.accuracy))  F1 \(number(report.f1))  ROC AUC \(number(report.auc))")
        } else {
            lines.append("accuracy \(number(report.accuracy))  macro-F1 \(number(report.macroF1))")
            lines.append("")
            lines.append("label        precision  recall  F1     support")
            for label in report.labels {
                guard let scores = report.perClass[label] else { continue }
                lines.append(
                    label.padding(toLength: 13, withPad: " ", startingAt: 0)
                        + "\(number(scores.precision))      \(number(scores.recall))   \(number(scores.f1))  \(scores.support)"
                )
            }
        }
        lines.append("")
        lines.append("confusion (rows: gold, columns: predicted)")
        let used = report.labels.indices.filter { index in
            report.confusion[index].contains { $0 > 0 } || report.confusion.contains { $0[index] > 0 }
        }
        lines.append(
            "             "
                + used.map { report.labels[$0].prefix(9).padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
        for gold in used {
            lines.append(
                report.labels[gold].padding(toLength: 13, withPad: " ", startingAt: 0)
                    + used.map { String(report.confusion[gold][$0]).padding(toLength: 10, withPad: " ", startingAt: 0) }
                    .joined())
        }
        lines.append("")
        lines.append("by language")
        for (language, slice) in report.byLanguage.sorted(by: { $0.key < $1.key }) {
            let main =
                slice.macroF1 != nil
                ? "macro-F1 \(number(slice.macroF1))" : "F1 \(number(slice.f1))  AUC \(number(slice.auc))"
            lines.append("  \(language): \(slice.n) rows, accuracy \(number(slice.accuracy))  \(main)")
        }
        if let curve = report.learningCurve {
            lines.append("")
            lines.append("learning curve (evaluated on the held-out half)")
            for point in curve {
                lines.append(
                    "  \(String(point.decisions).padding(toLength: 6, withPad: " ", startingAt: 0)) decisions: accuracy \(number(point.accuracy))  F1 \(number(point.f1))  AUC \(number(point.auc))"
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}
