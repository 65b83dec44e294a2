import ArgumentParser
import Foundation
import HearthApp
import HearthCore

/// `hearth insight backfill`: reads every post that has no reading yet (written before readings were stored, or
/// imported), with a progress bar. `hearth serve` does the same in the background; this finishes it at once.
struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill", abstract: "Read every post that has no reading yet with the triage engine.")

    @OptionGroup var storage: StorageOptions
    @Option(help: "Posts read and written per transaction.") var batch: Int = 10_000

    func run() async throws {
        try await CLI.withServices(overrides: storage.overrides) { services in
            try await services.migrate()
            guard let backfill = services.backfill else {
                throw CLIFailure("The triage engine's models are missing from this build.")
            }
            let bar = ProgressBar(label: "readings")
            let started = Date()
            let done = try await backfill.run(batch: max(1, min(batch, 50_000)), progress: bar.update)
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            print(
                "Read \(done) posts in \(String(format: "%.1f", seconds)) s"
                    + (seconds > 0 && done > 0 ? " (\(Int(Double(done) / seconds)) a second)." : "."))
        }
    }
}
