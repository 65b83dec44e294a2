import Configuration
import Foundation
import HearthCore
import HearthStore
import HearthWeb
import Logging

/// Every setting Hearth reads, typed and checked once at start-up. Values come from command-line flags,
/// then `HEARTH_*` environment variables, then a `.env` file in the working folder, then the defaults
/// below. The README's configuration table lists the same keys.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var database: DatabaseLocation
    public var publicURL: String
    public var communityName: String
    public var signupMode: SignupMode
    public var smtp: SMTPSettings?
    public var mailFrom: String
    public var logLevel: Logger.Level
    public var sessionDays: Int
    public var uploadLimits: UploadLimits
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: [AddressRange]
    /// Addresses that may read `/metrics`.
    public var metricsAllowed: [AddressRange]
    /// When the community manager works, in the community's time zone ("defer to tomorrow", the night).
    public var workingHours: WorkingHours
    /// The working hours as written, which the console shows and edits.
    public var workingHoursText = "mon-fri 09:00-18:00"
    /// Weighted flags at which a post is hidden pending review.
    public var flagHideThreshold: Double
    /// When a post waits for approval, and when the engine puts one in the queue.
    public var holdRules: HoldRules
    /// Heat at which a topic is marked for staff.
    public var heatThreshold: Double
    /// Whether `/modlog` shows everyone the moderation acts and their reasons.
    public var publicModerationLog: Bool
    /// When the weekly letter is drafted, to whom it goes, and how.
    public var letter = LetterSchedule()
    /// The key that seals secrets at rest (`HEARTH_SECRET_KEY`); nil: a key file in the data folder.
    public var secretKey: String?
    /// Whether outside sources may reach this machine and private networks (`HEARTH_SOURCES_ALLOW_PRIVATE`).
    public var sourcesAllowPrivate = false
    /// What brings a post into the priority inbox besides its reading.
    public var inboxRules = InboxRules()
    /// The trust ladder's criteria.
    public var trustLadder = TrustLadder()

    /// The settings the console can change, as the environment sets them before the community manager does.
    public var communityDefaults: CommunitySettings {
        CommunitySettings(
            name: communityName, timeZone: workingHours.timeZone, workingHours: workingHoursText,
            signupMode: signupMode, uploadLimits: uploadLimits)
    }

    /// One configuration key: its dotted name (which swift-configuration maps to `HEARTH_…` in the
    /// environment), the default, and what it means. `AppConfig.keys` is the list the README documents.
    public struct Key: Sendable {
        public let name: String
        public let defaultValue: String?
        public let help: String

        public var environmentName: String {
            name.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
        }
    }

    public static let keys: [Key] =
        [
            Key(name: "hearth.host", defaultValue: "127.0.0.1", help: "Address to listen on."),
            Key(name: "hearth.port", defaultValue: "8080", help: "Port to listen on."),
            Key(
                name: "hearth.data.dir", defaultValue: "./hearth-data", help: "Folder for the SQLite file and uploads."),
            Key(
                name: "hearth.database.url", defaultValue: nil,
                help: "postgres://user:password@host:5432/db to use PostgreSQL; unset means SQLite in the data folder."),
            Key(
                name: "hearth.public.url", defaultValue: nil,
                help: "The address people use, for links in e-mails; defaults to http://HOST:PORT."),
            Key(
                name: "hearth.community.name", defaultValue: "Hearth",
                help: "The community's name, shown on every page."),
            Key(name: "hearth.signup", defaultValue: "open", help: "Who may sign up: open, invite_only or closed."),
            Key(
                name: "hearth.smtp.url", defaultValue: nil,
                help:
                    "smtp:// (plain), smtp+starttls:// or smtps:// (implicit TLS), with user:password@ for AUTH; unset writes mail to the log."
            ),
            Key(name: "hearth.mail.from", defaultValue: "hearth@localhost", help: "The From address of e-mails."),
            Key(
                name: "hearth.log.level", defaultValue: "info",
                help: "trace, debug, info, notice, warning, error or critical."),
            Key(name: "hearth.session.days", defaultValue: "30", help: "How long a log-in lasts without a visit."),
            Key(
                name: "hearth.upload.max.bytes", defaultValue: "5000000",
                help: "Largest image upload, in bytes (1,000 to 100,000,000)."),
            Key(
                name: "hearth.upload.max.pixels", defaultValue: "40000000",
                help: "Largest image upload, in pixels (width × height), so that tiny files cannot claim huge pictures."
            ),
            Key(
                name: "hearth.trusted.proxies", defaultValue: nil,
                help:
                    "Reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For names the real client; unset trusts none."
            ),
            Key(
                name: "hearth.metrics.allow", defaultValue: "127.0.0.1, ::1",
                help: "Addresses or CIDR blocks (comma-separated) that may read /metrics."),
            Key(
                name: "hearth.time.zone", defaultValue: "UTC",
                help: "The community's time zone (an IANA name such as Europe/Paris), for working hours."),
            Key(
                name: "hearth.working.hours", defaultValue: "mon-fri 09:00-18:00",
                help:
                    "When the community manager works: \"mon-fri 09:00-18:00\"; deferred review items wake at the start."
            ),
            Key(
                name: "hearth.flag.hide.threshold", defaultValue: "3",
                help:
                    "Weighted flags (a settled member's counts 1, staff's the whole threshold) that hide a post for review."
            ),
            Key(
                name: "hearth.engine.flag.threshold", defaultValue: "0.9",
                help:
                    "Toxicity, from 0 to 1, at which the triage engine puts a new post in the review queue (it hides nothing)."
            ),
            Key(
                name: "hearth.hold.toxicity", defaultValue: "0.97",
                help: "Toxicity, from 0 to 1, at which a new post waits for approval; off holds none on toxicity alone."
            ),
            Key(
                name: "hearth.hold.threats", defaultValue: "on",
                help:
                    "on: a post the engine reads as a threat waits for approval; off lets it out (and into the queue)."),
            Key(
                name: "hearth.hold.first.posts", defaultValue: "0",
                help: "A member's first N posts wait for approval (0 to 50; 0 holds none)."),
            Key(
                name: "hearth.hold.links", defaultValue: "on",
                help: "on: a new member's post with a link waits for approval."),
            Key(
                name: "hearth.new.member.days", defaultValue: "3",
                help: "A member who joined less than this many days ago is new (0 to 365)."),
            Key(
                name: "hearth.night.hold.days", defaultValue: "30",
                help:
                    "Outside working hours, posts by a member penalised in the last N days wait for the morning (0: never)."
            ),
            Key(
                name: "hearth.heat.threshold", defaultValue: "0.6",
                help: "Heat, from 0.1 to 1, at which a topic is marked heated and goes to the top of the review queue."),
            Key(
                name: "hearth.inbox.wait.hours", defaultValue: "6",
                help: "An unanswered question rises in the inbox after this many hours (1 to 168)."),
            Key(
                name: "hearth.trust.basic", defaultValue: TrustLadder().basic.text,
                help:
                    "What a new member needs to become basic: days visited, posts read, replies, likes given and received (all time)."
            ),
            Key(
                name: "hearth.trust.member", defaultValue: TrustLadder().member.text,
                help: "What a basic member needs to become a member, counted the same way."),
            Key(
                name: "hearth.trust.regular", defaultValue: TrustLadder().regular.text,
                help:
                    "What a member needs to be a regular, over the last 100 days (posts read over all time); flagged=N: at most N of their posts flagged rightly. A penalty in those days keeps a member from it."
            ),
            Key(
                name: "hearth.trust.grace.days", defaultValue: "14",
                help: "Days a regular who no longer meets the criteria keeps the level (0 to 365)."),
            Key(
                name: "hearth.inbox.keep.days", defaultValue: "14",
                help: "Days an item nobody acted on stays in the inbox before it leaves by itself (1 to 365)."),
            Key(
                name: "hearth.inbox.brand.words", defaultValue: "",
                help:
                    "Words naming the brand, comma-separated: a post that says one comes into the inbox (empty: the community's name)."
            ),
            Key(
                name: "hearth.public.moderation.log", defaultValue: "off",
                help: "on: /modlog shows everyone each moderation act and its reason, without names or texts."),
        ] + letterKeys + secretKeys + sourceKeys

    /// Reads and checks the configuration. `overrides` are the flags given on the command line, by key name.
    /// Throws `ConfigError` listing every bad value at once.
    public static func load(
        overrides: [String: String] = [:], environment: [String: String] = ProcessInfo.processInfo.environment,
        envFile: String? = ".env"
    ) async throws -> AppConfig {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(
                name: "flags",
                values: Dictionary(
                    uniqueKeysWithValues: overrides.map {
                        (
                            AbsoluteConfigKey($0.key.split(separator: ".").map(String.init)),
                            ConfigValue(.string($0.value), isSecret: false)
                        )
                    })),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ]
        if let envFile {
            do {
                providers.append(
                    try await EnvironmentVariablesProvider(environmentFilePath: .init(envFile), allowMissing: true))
            } catch {
                throw ConfigError(problems: ["The file \(envFile) could not be read as KEY=value lines."])
            }
        }
        let reader = ConfigReader(providers: providers)
        return try AppConfig(reading: { key in
            reader.string(forKey: ConfigKey(key.name.split(separator: ".").map(String.init)))
                ?? key.defaultValue
        })
    }

    init(reading value: (Key) -> String?) throws {
        var problems: [String] = []
        func raw(_ name: String) -> (Key, String?) {
            let key = Self.keys.first { $0.name == name }!
            let text = value(key)?.trimmingCharacters(in: .whitespaces)
            return (key, text?.isEmpty == true ? nil : text)
        }
        func problem(_ key: Key, _ message: String) {
            problems.append("\(key.environmentName) (\(key.name)): \(message)")
        }
        func integer(_ name: String, in range: ClosedRange<Int>) -> Int {
            let (key, text) = raw(name)
            guard let text, let number = Int(text), range.contains(number) else {
                problem(
                    key,
                    "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text ?? "")\".")
                return range.lowerBound
            }
            return number
        }

        host = raw("hearth.host").1 ?? "127.0.0.1"
        port = integer("hearth.port", in: 1...65_535)
        dataDirectory = raw("hearth.data.dir").1 ?? "./hearth-data"
        sessionDays = integer("hearth.session.days", in: 1...365)
        uploadLimits = UploadLimits(
            maximumBytes: integer("hearth.upload.max.bytes", in: 1_000...100_000_000),
            maximumPixels: integer("hearth.upload.max.pixels", in: 1...1_000_000_000))
        func addresses(_ name: String) -> [AddressRange] {
            let (key, text) = raw(name)
            let (ranges, bad) = AddressRange.list(text ?? "")
            if !bad.isEmpty {
                problem(
                    key,
                    "expected IP addresses or CIDR blocks (like 10.0.0.0/8), separated by commas; \(bad.map { "\"\($0)\"" }.joined(separator: ", ")) is not one."
                )
            }
            return ranges
        }
        trustedProxies = addresses("hearth.trusted.proxies")
        metricsAllowed = addresses("hearth.metrics.allow")
        let (zoneKey, zoneText) = raw("hearth.time.zone")
        var zone = TimeZone.gmt
        if let zoneText {
            if let found = TimeZone(identifier: zoneText) {
                zone = found
            } else {
                problem(zoneKey, "expected a time zone name such as Europe/Paris or UTC, got \"\(zoneText)\".")
            }
        }
        let (hoursKey, hoursText) = raw("hearth.working.hours")
        if let hours = WorkingHours(hoursText ?? "mon-fri 09:00-18:00", timeZone: zone) {
            workingHours = hours
            workingHoursText = (hoursText ?? "mon-fri 09:00-18:00").lowercased()
        } else {
            problem(
                hoursKey, "expected days and hours such as \"mon-fri 09:00-18:00\", got \"\(hoursText ?? "")\".")
            workingHours = WorkingHours(timeZone: zone)
        }
        let (thresholdKey, thresholdText) = raw("hearth.flag.hide.threshold")
        if let value = Double(thresholdText ?? "3"), value >= 0.5, value <= 100 {
            flagHideThreshold = value
        } else {
            problem(thresholdKey, "expected a number from 0.5 to 100, got \"\(thresholdText ?? "")\".")
            flagHideThreshold = 3
        }
        func fraction(_ name: String, from lowest: Double, off: Bool = false) -> Double? {
            let (key, text) = raw(name)
            if off, text == "off" { return nil }
            if let value = Double(text ?? key.defaultValue ?? ""), value >= lowest, value <= 1 { return value }
            problem(
                key, "expected a number from \(lowest) to 1\(off ? " or off" : ""), got \"\(text ?? "")\".")
            return Double(key.defaultValue ?? "1")
        }
        func toggle(_ name: String) -> Bool {
            let (key, text) = raw(name)
            switch text ?? key.defaultValue {
            case "on": return true
            case "off": return false
            default:
                problem(key, "expected on or off, got \"\(text ?? "")\".")
                return false
            }
        }
        holdRules = HoldRules(
            firstPosts: integer("hearth.hold.first.posts", in: 0...50),
            newMemberDays: integer("hearth.new.member.days", in: 0...365), newMemberLinks: toggle("hearth.hold.links"),
            toxicity: fraction("hearth.hold.toxicity", from: 0.01, off: true), threats: toggle("hearth.hold.threats"),
            engineFlag: fraction("hearth.engine.flag.threshold", from: 0.01) ?? 0.9,
            nightPenaltyDays: integer("hearth.night.hold.days", in: 0...365))
        heatThreshold = fraction("hearth.heat.threshold", from: 0.1) ?? 0.6
        publicModerationLog = toggle("hearth.public.moderation.log")
        sourcesAllowPrivate = Self.sourcesAllowPrivate(raw, problem: problem)
        communityName = raw("hearth.community.name").1 ?? "Hearth"
        let brandWords = (raw("hearth.inbox.brand.words").1 ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        inboxRules = InboxRules(
            waitHours: integer("hearth.inbox.wait.hours", in: 1...168),
            brandWords: brandWords.isEmpty ? [communityName] : brandWords,
            keepDays: integer("hearth.inbox.keep.days", in: 1...365))
        func criteria(_ name: String) -> TrustCriteria {
            let (key, text) = raw(name)
            do {
                return try TrustCriteria(parsing: text ?? key.defaultValue ?? "")
            } catch let error as HearthError {
                problem(key, error.userMessage)
            } catch {
                problem(key, "could not be read.")
            }
            return TrustCriteria()
        }
        trustLadder = TrustLadder(
            basic: criteria("hearth.trust.basic"), member: criteria("hearth.trust.member"),
            regular: criteria("hearth.trust.regular"), graceDays: integer("hearth.trust.grace.days", in: 0...365))
        mailFrom = raw("hearth.mail.from").1 ?? "hearth@localhost"
        letter = Self.letterSchedule(raw, problem: problem, integer: integer)
        secretKey = Self.secretKey(raw, problem: problem)

        let (databaseKey, databaseURL) = raw("hearth.database.url")
        if let databaseURL {
            do {
                database = try DatabaseLocation.postgres(url: databaseURL)
            } catch let error as HearthError {
                problem(databaseKey, error.userMessage)
                database = .sqlite(path: "")
            }
        } else {
            database = .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("hearth.sqlite").path)
        }

        let (publicKey, publicText) = raw("hearth.public.url")
        let publicURL = (publicText ?? "http://\(host):\(port)").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
            self.publicURL = publicURL
        } else {
            problem(publicKey, "expected an http:// or https:// address, got \"\(publicURL)\".")
            self.publicURL = "http://localhost"
        }

        let (signupKey, signupText) = raw("hearth.signup")
        if let mode = SignupMode(rawValue: signupText ?? "open") {
            signupMode = mode
        } else {
            problem(signupKey, "expected open, invite_only or closed, got \"\(signupText ?? "")\".")
            signupMode = .open
        }

        let (smtpKey, smtpText) = raw("hearth.smtp.url")
        if let smtpText {
            do {
                smtp = try SMTPSettings(url: smtpText)
            } catch let error as HearthError {
                problem(smtpKey, error.userMessage)
                smtp = nil
            }
        } else {
            smtp = nil
        }
        if AccountForm.emailProblem(mailFrom.lowercased()) != nil, mailFrom != "hearth@localhost" {
            problem(raw("hearth.mail.from").0, "expected an e-mail address, got \"\(mailFrom)\".")
        }

        let (levelKey, levelText) = raw("hearth.log.level")
        if let level = Logger.Level(rawValue: levelText ?? "info") {
            logLevel = level
        } else {
            problem(
                levelKey, "expected trace, debug, info, notice, warning, error or critical, got \"\(levelText ?? "")\"."
            )
            logLevel = .info
        }

        guard problems.isEmpty else { throw ConfigError(problems: problems) }
    }

    /// Secure cookies exactly when people reach the community over https.
    public var secureCookies: Bool { publicURL.hasPrefix("https://") }
}

/// Bad configuration: every problem found, each naming its key.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]

    public var description: String {
        "Hearth cannot start: the configuration has \(problems.count == 1 ? "a problem" : "\(problems.count) problems"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
