import ArgumentParser
import Foundation
import HearthApp
import HearthCore
import Logging

@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "A self-hosted home for your community, and the tools to run it.",
        subcommands: [
            Serve.self, Migrate.self, CreateAdmin.self, Invite.self, APIKeyCommand.self, ImportCommand.self,
            InsightCommand.self, InboxCommand.self, PeopleCommand.self, LetterCommand.self,
        ],
        defaultSubcommand: nil)
}

/// Options every command shares: where the data lives.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder for the SQLite file and uploads (HEARTH_DATA_DIR).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "postgres://… to use PostgreSQL (HEARTH_DATABASE_URL).")
    var databaseURL: String?

    var overrides: [String: String] {
        var values: [String: String] = [:]
        values["hearth.data.dir"] = dataDirectory
        values["hearth.database.url"] = databaseURL
        return values
    }

    /// The demo community's storage: its own SQLite file under <data-dir>/demo, for `serve --demo` and the
    /// commands that act on the community it serves (`create-admin --demo`).
    func demoOverrides() throws -> [String: String] {
        guard databaseURL == nil else {
            throw CLIFailure("--demo keeps its own SQLite file; leave out --database-url.")
        }
        var values = overrides
        let base = dataDirectory ?? ProcessInfo.processInfo.environment["HEARTH_DATA_DIR"] ?? "./hearth-data"
        values["hearth.data.dir"] = URL(fileURLWithPath: base).appendingPathComponent("demo").path
        return values
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the web server (migrations run first).")

    @OptionGroup var storage: StorageOptions
    @Option(help: "Address to listen on (HEARTH_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (HEARTH_PORT, default 8080).") var port: Int?
    @Option(name: .customLong("public-url"), help: "The address people use (HEARTH_PUBLIC_URL).") var publicURL: String?
    @Flag(
        help: """
            Start with a small sample community (threads from french.meta.stackexchange.com, CC BY-SA), kept in \
            its own SQLite file under <data-dir>/demo so that it never mixes with a real community.
            """)
    var demo = false

    func run() async throws {
        var overrides = demo ? try storage.demoOverrides() : storage.overrides
        overrides["hearth.host"] = host
        overrides["hearth.port"] = port.map(String.init)
        overrides["hearth.public.url"] = publicURL
        try await CLI.run(overrides: overrides) { config, logger in
            try await HearthServer.run(config: config, logger: logger, demo: demo) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and list them.")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await CLI.withServices(overrides: storage.overrides) { services in
            let applied = try await services.migrate()
            if applied.isEmpty {
                print("The database is up to date.")
            }
            for migration in applied {
                print("Applied \(String(format: "%04d", migration.number)) \(migration.name)")
            }
        }
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create a community manager account. The password is read from standard input.")

    @OptionGroup var storage: StorageOptions
    @Option(help: "The account's e-mail address.") var email: String
    @Option(help: "The name shown to others.") var name: String
    @Flag(help: "Create it in the demo community that `serve --demo` serves (<data-dir>/demo).") var demo = false

    func run() async throws {
        guard let password = CLI.readPassword() else {
            throw CLIFailure("No password was given on standard input.")
        }
        try await CLI.withServices(overrides: demo ? try storage.demoOverrides() : storage.overrides) { services in
            try await services.migrate()
            let member = try await services.accounts.createCommunityManager(
                try AccountForm(email: email, displayName: name, password: password))
            print("Created community manager \(member.displayName) <\(member.email)> (id \(member.id)).")
        }
    }
}

struct Invite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a one-time sign-up link (for HEARTH_SIGNUP=invite_only communities).")

    @OptionGroup var storage: StorageOptions
    @Option(help: "The e-mail the invitation is meant for (kept as a note).") var email: String?

    func run() async throws {
        try await CLI.withServices(overrides: storage.overrides) { services in
            try await services.migrate()
            print(try await services.accounts.invite(email: email))
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "What the key is for.") var name: String
        @Option(help: "read or write.") var scope: String = "read"
        @Option(help: "Owner's e-mail (default: the first community manager).") var owner: String?

        func run() async throws {
            guard let scope = HearthCore.APIKey.Scope(rawValue: scope) else {
                throw CLIFailure("--scope must be read or write.")
            }
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                let (key, secret) = try await services.apiKeys.create(name: name, scope: scope, ownerEmail: owner)
                FileHandle.standardError.write(
                    Data("Created API key \(key.id) (\(key.scope.rawValue)). It is shown only once:\n".utf8))
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                let keys = try await services.apiKeys.list()
                if keys.isEmpty { print("No API keys.") }
                let formatter = ISO8601DateFormatter()
                for key in keys {
                    let state = key.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
                    let used = key.lastUsedAt.map { "last used \(formatter.string(from: $0))" } ?? "never used"
                    print("\(key.id)\t\(key.displayPrefix)…\t\(key.scope.rawValue)\t\(state)\t\(used)\t\(key.name)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The key's id, from `hearth api-key list`.") var id: Int64

        func run() async throws {
            try await CLI.withServices(overrides: storage.overrides) { services in
                try await services.migrate()
                try await services.apiKeys.revoke(APIKeyID(id))
                print("Revoked API key \(id).")
            }
        }
    }
}
