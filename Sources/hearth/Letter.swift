import ArgumentParser
import Foundation
import HearthApp
import HearthCore

struct LetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter", abstract: "The weekly letter to colleagues.", subcommands: [Preview.self])

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Write the letter for a week as it would be drafted now, without storing or sending it: the plain \
                text on standard output, and the HTML part into a file with --html.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "The week, as 2026-W48 (default: last week).") var week: String?
        @Option(help: "en or fr (default: the community's language).") var lang: String?
        @Option(help: "Also write the HTML part to this file.") var html: String?

        func run() async throws {
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                let language = try lang.map { code in
                    guard let language = Language(rawValue: code) else {
                        throw ValidationError("--lang is en or fr.")
                    }
                    return language
                }
                let letter = try await services.letterPreview(week: week, language: language)
                if let html {
                    do {
                        try letter.html.write(toFile: html, atomically: true, encoding: .utf8)
                    } catch {
                        throw ValidationError("Could not write \(html): check that its folder exists and is writable.")
                    }
                }
                print(letter.text, terminator: "")
                func seconds(_ duration: Duration) -> String {
                    String(format: "%.3f", Double(duration / .milliseconds(1)) / 1_000)
                }
                FileHandle.standardError.write(
                    Data(
                        "Health figures counted in \(seconds(letter.counting)) s; letter drafted in \(seconds(letter.drafting)) s.\n"
                            .utf8))
            }
        }
    }
}
