import ArgumentParser
import Foundation
import HearthApp
import HearthCore

struct PeopleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people", abstract: "The people pass: engagement levels, trust ladder, segments.",
        subcommands: [Refresh.self])

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Run the people pass now (a running server does it every hour): engagement levels for the week, the \
                trust ladder, the segments of /people and the equity of attention. Prints how long it took.
                """)

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                let clock = ContinuousClock()
                let start = clock.now
                try await services.people.refresh(force: true)
                let seconds = (clock.now - start) / .milliseconds(1) / 1_000
                print("People pass done in \(String(format: "%.2f", seconds)) s.")
            }
        }
    }
}
