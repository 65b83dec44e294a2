import ArgumentParser
import Foundation
import HearthApp
import HearthCore
import Logging

/// A failure of the command itself, said plainly.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Shared plumbing of the commands: configuration, logging, and turning errors into one clear line.
enum CLI {
    static func run(
        overrides: [String: String], _ body: (AppConfig, Logger) async throws -> Void
    ) async throws {
        do {
            let config = try await AppConfig.load(overrides: overrides.compactMapValues { $0 })
            let level = config.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            try await body(config, Logger(label: "hearth"))
        } catch let error as ConfigError {
            fail(error.description)
        } catch let error as HearthError {
            fail(error.userMessage)
        } catch let error as CLIFailure {
            fail(error.description)
        } catch let error as StartupFailure {
            fail(error.description)
        } catch {
            Logger(label: "hearth").debug("Unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            fail(
                "Hearth stopped because of an unexpected error (\(type(of: error))). Run with HEARTH_LOG_LEVEL=debug for details."
            )
        }
    }

    static func withServices(overrides: [String: String], _ body: (HearthServices) async throws -> Void) async throws {
        try await run(overrides: overrides) { config, logger in
            // Commands print their own results; only warnings and worse from the services are worth showing.
            var quiet = logger
            if logger.logLevel == .info || logger.logLevel == .notice { quiet.logLevel = .warning }
            let services = try await HearthServices.open(config: config, logger: quiet)
            do {
                try await body(services)
            } catch {
                await services.shutdown()
                throw error
            }
            await services.shutdown()
        }
    }

    /// Reads a password from standard input: the first line, without its newline.
    static func readPassword() -> String? {
        if isatty(STDIN_FILENO) != 0 {
            FileHandle.standardError.write(Data("Password: ".utf8))
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { return nil }
        return line
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
