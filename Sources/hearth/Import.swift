import ArgumentParser
import Foundation
import HearthApp
import HearthCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bring a community in from elsewhere.", subcommands: [StackExchange.self])

    struct StackExchange: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stackexchange",
            abstract: "Import Stack Exchange data dumps (one folder of Posts.xml, Users.xml, … per site).",
            discussion: """
                Each site becomes a category; questions become topics, answers and comments replies; users become \
                members who cannot log in until given a real address. Running it again adds nothing twice.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "The site's host, when the folder is not named after it (e.g. bicycles.meta).") var site: String?
        @Argument(help: "Dump folders.") var directories: [String]

        func run() async throws {
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                let total = try await services.importing {
                    var total = ImportCounts()
                    for directory in directories {
                        let url = URL(fileURLWithPath: directory)
                        let bar = ProgressBar(label: url.lastPathComponent)
                        let summary = try await services.importStackExchange(
                            directory: url, site: directories.count == 1 ? site : nil, progress: bar.update)
                        bar.finish()
                        print("\(summary.site): \(Self.describe(summary.counts))")
                        total = total + summary.counts
                    }
                    return total
                }
                if directories.count > 1 { print("In all: \(Self.describe(total))") }
            }
        }

        static func describe(_ counts: ImportCounts) -> String {
            var parts = [
                count(counts.topics, "topic"), count(counts.posts, "post"), count(counts.members, "member"),
                count(counts.revisions, "earlier version"), count(counts.reactions, "reaction"),
                count(counts.closedTopics, "closed topic"),
            ]
            if counts.categories > 0 { parts.insert(count(counts.categories, "category", "categories"), at: 0) }
            if counts.alreadyThere > 0 { parts.append("\(counts.alreadyThere) already there, skipped") }
            return parts.joined(separator: ", ") + "."
        }

        static func count(_ number: Int, _ one: String, _ many: String? = nil) -> String {
            "\(number) " + (number == 1 ? one : many ?? one + "s")
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal: posts done, of how many, and how
/// many a second.
final class ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    private let started = ContinuousClock.now

    init(label: String) {
        self.label = label
    }

    var update: @Sendable (Int, Int) -> Void {
        { [self] done, total in
            guard isTerminal, total > 0 else { return }
            FileHandle.standardError.write(
                Data(("\r" + line(done: done, total: total, elapsed: started.duration(to: .now))).utf8))
        }
    }

    /// "bicycles.meta ████████······ 8000/16527 posts, 21,400/s".
    func line(done: Int, total: Int, elapsed: Duration) -> String {
        let width = 30
        let filled = width * min(done, total) / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? ", \(Int(Double(done) / seconds).formatted())/s" : ""
        return "\(label) \(bar) \(done)/\(total) posts\(rate)\u{1B}[K"
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
