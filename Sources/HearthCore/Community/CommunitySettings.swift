import Foundation

/// What a community manager changes without a restart: stored in the database, effective at once. Each value
/// starts from the operator's environment (`AppConfig`), and a value saved in the console wins from then on.
public struct CommunitySettings: Sendable, Equatable {
    public var name: String
    public var description: String
    /// An uploaded image (`/uploads/…`) shown in the header, or nil for the name alone.
    public var logoPath: String?
    /// The language pages use when a visitor has not chosen one.
    public var language: Language
    public var timeZone: TimeZone
    /// The working hours as written ("mon-fri 09:00-18:00"), and as read in `timeZone`.
    public var workingHoursText: String
    public private(set) var workingHours: WorkingHours
    public var signupMode: SignupMode
    /// New accounts confirm their e-mail address before they may post.
    public var confirmEmail: Bool
    public var uploadLimits: UploadLimits
    /// Whether the community manager has been through the first steps (or skipped them).
    public var firstStepsDone: Bool

    public init(
        name: String, description: String = "", logoPath: String? = nil, language: Language = .english,
        timeZone: TimeZone = .gmt, workingHours: String = "mon-fri 09:00-18:00", signupMode: SignupMode = .open,
        confirmEmail: Bool = false,
        uploadLimits: UploadLimits = UploadLimits(maximumBytes: 5_000_000, maximumPixels: 40_000_000),
        firstStepsDone: Bool = false
    ) {
        self.name = name
        self.description = description
        self.logoPath = logoPath
        self.language = language
        self.timeZone = timeZone
        self.workingHoursText = workingHours
        self.workingHours = WorkingHours(workingHours, timeZone: timeZone) ?? WorkingHours(timeZone: timeZone)
        self.signupMode = signupMode
        self.confirmEmail = confirmEmail
        self.uploadLimits = uploadLimits
        self.firstStepsDone = firstStepsDone
    }

    /// The stored names of the settings, as the console's form and the API name them.
    public enum Key: String, Sendable, CaseIterable {
        case name
        case description
        case logoPath = "logo_path"
        case language
        case timeZone = "time_zone"
        case workingHours = "working_hours"
        case signupMode = "signup"
        case confirmEmail = "confirm_email"
        case uploadMaxBytes = "upload_max_bytes"
        case uploadMaxPixels = "upload_max_pixels"
        case firstStepsDone = "first_steps_done"
    }

    /// The settings as stored text, one value a key.
    public var values: [Key: String] {
        [
            .name: name, .description: description, .logoPath: logoPath ?? "", .language: language.rawValue,
            .timeZone: timeZone.identifier, .workingHours: workingHoursText, .signupMode: signupMode.rawValue,
            .confirmEmail: confirmEmail ? "on" : "off", .uploadMaxBytes: String(uploadLimits.maximumBytes),
            .uploadMaxPixels: String(uploadLimits.maximumPixels), .firstStepsDone: firstStepsDone ? "on" : "off",
        ]
    }

    /// These settings with `changes` applied, each checked: every bad value is reported at once, by field, and
    /// nothing is applied then. Keys not in `changes` keep their value.
    public func applying(_ changes: [Key: String]) throws -> CommunitySettings {
        var next = self
        var problems: [FieldError] = []
        func problem(_ key: Key, _ message: String) {
            problems.append(FieldError(field: key.rawValue, message: message))
        }
        func flag(_ text: String) -> Bool? {
            switch text.lowercased() {
            case "on", "true", "1", "yes": true
            case "off", "false", "0", "no", "": false
            default: nil
            }
        }
        for (key, raw) in changes {
            let text = raw.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
            switch key {
            case .name:
                if (1...80).contains(text.count) {
                    next.name = text
                } else {
                    problem(key, "Give the community a name of 1 to 80 characters.")
                }
            case .description:
                if text.count <= 500 {
                    next.description = text
                } else {
                    problem(key, "A description can be at most 500 characters long.")
                }
            case .logoPath:
                if text.isEmpty {
                    next.logoPath = nil
                } else if text.hasPrefix("/uploads/"), !text.contains(".."), text.count <= 200 {
                    next.logoPath = text
                } else {
                    problem(key, "The logo must be an image uploaded to this community.")
                }
            case .language:
                if let language = Language(rawValue: text) {
                    next.language = language
                } else {
                    problem(key, "Choose English (en) or French (fr).")
                }
            case .timeZone:
                if let zone = TimeZone(identifier: text) {
                    next.timeZone = zone
                } else {
                    problem(key, "Choose a time zone name such as Europe/Paris or UTC.")
                }
            case .workingHours:
                if WorkingHours(text, timeZone: .gmt) != nil {
                    next.workingHoursText = text.lowercased()
                } else {
                    problem(key, "Write working hours as \"mon-fri 09:00-18:00\" or \"09:00-18:00\".")
                }
            case .signupMode:
                if let mode = SignupMode(rawValue: text) {
                    next.signupMode = mode
                } else {
                    problem(key, "Choose who may sign up: open, invite_only or closed.")
                }
            case .confirmEmail, .firstStepsDone:
                guard let value = flag(text) else {
                    problem(key, "Expected on or off.")
                    continue
                }
                if key == .confirmEmail { next.confirmEmail = value } else { next.firstStepsDone = value }
            case .uploadMaxBytes:
                if let bytes = Int(text), (1_000...100_000_000).contains(bytes) {
                    next.uploadLimits.maximumBytes = bytes
                } else {
                    problem(key, "The largest upload must be from 0.001 to 100 megabytes (1,000 to 100,000,000 bytes).")
                }
            case .uploadMaxPixels:
                if let pixels = Int(text), (10_000...400_000_000).contains(pixels) {
                    next.uploadLimits.maximumPixels = pixels
                } else {
                    problem(
                        key, "The largest image must be from 0.01 to 400 megapixels (10,000 to 400,000,000 pixels).")
                }
            }
        }
        guard problems.isEmpty else {
            throw HearthError.validation(problems.sorted { $0.field < $1.field })
        }
        next.workingHours =
            WorkingHours(next.workingHoursText, timeZone: next.timeZone) ?? WorkingHours(timeZone: next.timeZone)
        return next
    }

    /// The defaults with the stored values laid over them; a stored value that no longer reads (a time zone
    /// the system dropped) is left out and reported, so the community still starts.
    public func overlaid(with stored: [String: String]) -> (CommunitySettings, ignored: [String]) {
        var settings = self
        var ignored: [String] = []
        for (name, value) in stored.sorted(by: { $0.key < $1.key }) {
            guard let key = Key(rawValue: name) else {
                ignored.append(name)
                continue
            }
            do {
                settings = try settings.applying([key: value])
            } catch {
                ignored.append(name)
            }
        }
        return (settings, ignored)
    }
}
