import Foundation
import HearthApp
import HearthCore
import HearthStore
import Testing

@Suite("Configuration")
struct AppConfigTests {
    @Test("defaults give a SQLite community on 127.0.0.1:8080")
    func defaults() async throws {
        let config = try await AppConfig.load(environment: [:], envFile: nil)
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.database == .sqlite(path: URL(fileURLWithPath: "./hearth-data/hearth.sqlite").path))
        #expect(config.publicURL == "http://127.0.0.1:8080")
        #expect(config.signupMode == .open)
        #expect(config.smtp == nil)
        #expect(!config.secureCookies)
    }

    @Test("flags win over the environment, which wins over the .env file")
    func precedence() async throws {
        let envFile = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-\(UUID().uuidString).env")
        try "HEARTH_PORT=7000\nHEARTH_COMMUNITY_NAME=From file\nHEARTH_SIGNUP=closed\n".write(
            to: envFile, atomically: true, encoding: .utf8)
        let config = try await AppConfig.load(
            overrides: ["hearth.port": "9000"], environment: ["HEARTH_PORT": "8000", "HEARTH_SIGNUP": "invite_only"],
            envFile: envFile.path)
        #expect(config.port == 9000)
        #expect(config.signupMode == .inviteOnly)
        #expect(config.communityName == "From file")
    }

    @Test("every bad value is reported at once, naming its environment variable")
    func badValues() async throws {
        await #expect {
            try await AppConfig.load(
                environment: [
                    "HEARTH_PORT": "eighty", "HEARTH_DATABASE_URL": "mysql://x", "HEARTH_SIGNUP": "maybe",
                    "HEARTH_SMTP_URL": "ftp://mail", "HEARTH_LOG_LEVEL": "loud",
                ], envFile: nil)
        } throws: { error in
            let message = String(describing: error)
            return ["HEARTH_PORT", "HEARTH_DATABASE_URL", "HEARTH_SIGNUP", "HEARTH_SMTP_URL", "HEARTH_LOG_LEVEL"]
                .allSatisfy(message.contains) && message.contains("5 problems") && !message.contains("Error(")
        }
    }

    @Test("moderation settings: holds, heat and the public log read their values, and bad ones are all reported")
    func moderationSettings() async throws {
        let config = try await AppConfig.load(
            environment: [
                "HEARTH_HOLD_TOXICITY": "off", "HEARTH_HOLD_FIRST_POSTS": "2", "HEARTH_HOLD_LINKS": "off",
                "HEARTH_HEAT_THRESHOLD": "0.5", "HEARTH_PUBLIC_MODERATION_LOG": "on",
            ], envFile: nil)
        #expect(
            config.holdRules.toxicity == nil && config.holdRules.firstPosts == 2 && !config.holdRules.newMemberLinks)
        #expect(config.holdRules.threats && config.holdRules.nightPenaltyDays == 30)
        #expect(config.heatThreshold == 0.5 && config.publicModerationLog)
        let defaults = try await AppConfig.load(environment: [:], envFile: nil)
        #expect(defaults.holdRules == HoldRules() && defaults.heatThreshold == 0.6 && !defaults.publicModerationLog)
        await #expect {
            try await AppConfig.load(
                environment: [
                    "HEARTH_HOLD_TOXICITY": "high", "HEARTH_HEAT_THRESHOLD": "2", "HEARTH_HOLD_LINKS": "yes",
                    "HEARTH_NIGHT_HOLD_DAYS": "-1",
                ], envFile: nil)
        } throws: { error in
            let message = String(describing: error)
            return ["HEARTH_HOLD_TOXICITY", "HEARTH_HEAT_THRESHOLD", "HEARTH_HOLD_LINKS", "HEARTH_NIGHT_HOLD_DAYS"]
                .allSatisfy(message.contains) && message.contains("4 problems")
        }
    }

    @Test("the weekly letter's settings: day, hour, mode, recipients in their language, and each bad one named")
    func letterSettings() async throws {
        let config = try await AppConfig.load(
            environment: [
                "HEARTH_LETTER_DAY": "tue", "HEARTH_LETTER_HOUR": "17", "HEARTH_LETTER_MODE": "automatic",
                "HEARTH_LETTER_RECIPIENTS": "boss@example.org, fr:lea@example.fr", "HEARTH_LETTER_IMAGES": "linked",
            ], envFile: nil)
        #expect(config.letter.weekday == 2 && config.letter.hour == 17 && config.letter.mode == .automatic)
        #expect(
            config.letter.recipients == [
                LetterRecipient(address: "boss@example.org", language: .english),
                LetterRecipient(address: "lea@example.fr", language: .french),
            ])
        #expect(!config.letter.inlineImages)
        #expect(try await AppConfig.load(environment: [:], envFile: nil).letter == LetterSchedule())
        await #expect {
            try await AppConfig.load(
                environment: [
                    "HEARTH_LETTER_DAY": "someday", "HEARTH_LETTER_HOUR": "24", "HEARTH_LETTER_MODE": "often",
                    "HEARTH_LETTER_RECIPIENTS": "boss@example.org, not an address", "HEARTH_LETTER_IMAGES": "both",
                ], envFile: nil)
        } throws: { error in
            let message = String(describing: error)
            return [
                "HEARTH_LETTER_DAY", "HEARTH_LETTER_HOUR", "HEARTH_LETTER_MODE", "HEARTH_LETTER_IMAGES",
                "\"not an address\" is not an e-mail address.",
            ].allSatisfy(message.contains) && message.contains("5 problems")
        }
    }

    @Test("secrets are sealed under HEARTH_SECRET_KEY, or a key file made in the data folder, owner-only")
    func secretKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try await AppConfig.load(environment: ["HEARTH_DATA_DIR": folder.path], envFile: nil)
        let sealed = try config.secretBox.seal("token")
        let file = folder.appendingPathComponent("secret.key").path
        let rights = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(rights == 0o600)
        #expect(try config.secretBox.open(sealed) == "token", "the same key, read back from its file")
        await #expect {
            try await AppConfig.load(environment: ["HEARTH_SECRET_KEY": "too short"], envFile: nil)
        } throws: { error in
            String(describing: error).contains("HEARTH_SECRET_KEY")
        }
    }

    @Test("PostgreSQL and SMTP URLs are parsed; https makes cookies Secure")
    func urls() async throws {
        let config = try await AppConfig.load(
            environment: [
                "HEARTH_DATABASE_URL": "postgres://u:p@db:5433/hearth",
                "HEARTH_SMTP_URL": "smtp+starttls://me%40x.org:pw@mail.example.org",
                "HEARTH_PUBLIC_URL": "https://forum.example.org/",
            ], envFile: nil)
        #expect(
            config.database
                == .postgres(
                    .init(host: "db", port: 5433, username: "u", password: "p", database: "hearth", tls: .prefer)))
        #expect(
            config.smtp
                == SMTPSettings(
                    host: "mail.example.org", port: 587, security: .startTLS, username: "me@x.org", password: "pw"))
        #expect(config.publicURL == "https://forum.example.org")
        #expect(config.secureCookies)
    }
}
