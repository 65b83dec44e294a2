import Foundation
import HearthCore

/// The console's sections, the current one marked for `aria-current`.
public struct ConsoleNav: Sendable {
    public struct Link: Sendable {
        public let href: String
        public let label: String
        public let current: Bool
    }

    public static let sections = ["settings", "categories", "members", "roles", "invitations", "api-keys", "sources"]

    public let links: [Link]

    public init(current: String, localization: Localization, language: Language) {
        links = Self.sections.map {
            Link(
                href: "/admin/\($0)",
                label: localization.text("console_\($0.replacingOccurrences(of: "-", with: "_"))", language),
                current: $0 == current)
        }
    }
}

/// A choice in a select, or a radio button, on any form.
public struct FormOption: Sendable {
    public let value: String
    public let label: String
    public let selected: Bool

    public init(value: String, label: String, selected: Bool) {
        self.value = value
        self.label = label
        self.selected = selected
    }
}

/// The values a settings form shows: the stored ones, or what was sent when it came back with a mistake.
public struct SettingsDraft: Sendable {
    public var values: [CommunitySettings.Key: String]

    public init(_ settings: CommunitySettings) {
        values = settings.values
    }

    public init(values: [CommunitySettings.Key: String]) {
        self.values = values
    }

    subscript(_ key: CommunitySettings.Key) -> String { values[key] ?? "" }
}

extension FormOption {
    static func languages(_ chosen: String, _ localization: Localization, _ language: Language) -> [FormOption] {
        Language.allCases.map {
            FormOption(
                value: $0.rawValue, label: localization.text("language_\($0.rawValue)", language),
                selected: $0.rawValue == chosen)
        }
    }

    static func signup(_ chosen: String, _ localization: Localization, _ language: Language) -> [FormOption] {
        SignupMode.allCases.map {
            FormOption(
                value: $0.rawValue, label: localization.text("settings_signup_\($0.rawValue)", language),
                selected: $0.rawValue == chosen)
        }
    }
}

/// `/admin/settings`: what the community manager changes without a restart.
public struct SettingsPage: Sendable {
    public static let template = "admin-settings"

    public let page: PageChrome
    public let nav: ConsoleNav
    public let name: String
    public let communityDescription: String
    public let logoPath: String?
    public let languages: [FormOption]
    public let timeZone: String
    public let zones: [String]
    public let workingHours: String
    public let signupModes: [FormOption]
    public let confirmEmail: Bool
    public let uploadMegabytes: String
    public let uploadMegapixels: String

    public init(page: PageChrome, draft: SettingsDraft, localization: Localization, language: Language) {
        self.page = page
        nav = ConsoleNav(current: "settings", localization: localization, language: language)
        name = draft[.name]
        communityDescription = draft[.description]
        logoPath = draft[.logoPath].isEmpty ? nil : draft[.logoPath]
        languages = FormOption.languages(draft[.language], localization, language)
        timeZone = draft[.timeZone]
        zones = TimeZone.knownTimeZoneIdentifiers.sorted()
        workingHours = draft[.workingHours]
        signupModes = FormOption.signup(draft[.signupMode], localization, language)
        confirmEmail = draft[.confirmEmail] == "on"
        uploadMegabytes = Self.millions(draft[.uploadMaxBytes])
        uploadMegapixels = Self.millions(draft[.uploadMaxPixels])
    }

    /// 5000000 → "5", 2500000 → "2.5": the form asks in megabytes and megapixels.
    static func millions(_ text: String) -> String {
        guard let value = Double(text) else { return text }
        let millions = value / 1_000_000
        return millions == millions.rounded() ? String(Int(millions)) : String(millions)
    }
}

/// The short page after the first run: name and language, time and working hours, who may sign up.
public struct FirstStepsPage: Sendable {
    public static let template = "admin-first-steps"

    public let page: PageChrome
    public let name: String
    public let languages: [FormOption]
    public let timeZone: String
    public let zones: [String]
    public let workingHours: String
    public let signupModes: [FormOption]

    public init(page: PageChrome, draft: SettingsDraft, localization: Localization, language: Language) {
        self.page = page
        name = draft[.name]
        languages = FormOption.languages(draft[.language], localization, language)
        timeZone = draft[.timeZone]
        zones = TimeZone.knownTimeZoneIdentifiers.sorted()
        workingHours = draft[.workingHours]
        signupModes = FormOption.signup(draft[.signupMode], localization, language)
    }
}

/// `/admin/categories`: every forum category, in order, each with its own small form; archived ones last.
public struct CategoriesPage: Sendable {
    public static let template = "admin-categories"

    public struct Row: Sendable {
        public let id: Int64
        public let categoryName: String
        public let slug: String
        public let about: String
        public let policies: [FormOption]
        public let readers: [FormOption]
        public let archived: Bool
        public let canMoveUp: Bool
        public let canMoveDown: Bool
    }

    public let page: PageChrome
    public let nav: ConsoleNav
    public let active: [Row]
    public let archived: [Row]
    public let hasArchived: Bool
    /// What was typed in the new-category form when it came back with a mistake.
    public let draftName: String
    public let draftDescription: String
    public let draftPolicies: [FormOption]
    public let draftReaders: [FormOption]

    public init(
        page: PageChrome, categories: [Category], draftName: String = "", draftDescription: String = "",
        draftPolicy: Category.StartPolicy = .everyone, draftReaders: Category.ReadPolicy = .everyone,
        localization: Localization, language: Language
    ) {
        self.page = page
        nav = ConsoleNav(current: "categories", localization: localization, language: language)
        func policies(_ chosen: Category.StartPolicy) -> [FormOption] {
            Category.StartPolicy.allCases.map {
                FormOption(
                    value: $0.rawValue, label: localization.text("categories_start_\($0.rawValue)", language),
                    selected: $0 == chosen)
            }
        }
        func readers(_ chosen: Category.ReadPolicy) -> [FormOption] {
            Category.ReadPolicy.allCases.map {
                FormOption(
                    value: $0.rawValue, label: localization.text("categories_read_\($0.rawValue)", language),
                    selected: $0 == chosen)
            }
        }
        let open = categories.filter { $0.archivedAt == nil }
        active = open.enumerated().map { index, category in
            Row(
                id: category.id.rawValue, categoryName: category.name, slug: category.slug,
                about: category.description, policies: policies(category.startPolicy),
                readers: readers(category.readPolicy), archived: false,
                canMoveUp: index > 0, canMoveDown: index < open.count - 1)
        }
        archived = categories.filter { $0.archivedAt != nil }.map { category in
            Row(
                id: category.id.rawValue, categoryName: category.name, slug: category.slug,
                about: category.description, policies: policies(category.startPolicy),
                readers: readers(category.readPolicy), archived: true,
                canMoveUp: false, canMoveDown: false)
        }
        hasArchived = !archived.isEmpty
        self.draftName = draftName
        self.draftDescription = draftDescription
        draftPolicies = policies(draftPolicy)
        self.draftReaders = readers(draftReaders)
    }
}
