import HearthCore

/// The console's navigation (`admin-nav.mustache`), the current section marked for screen readers.
public struct AdminNavItem: Sendable {
    public enum Section: String, Sendable, CaseIterable {
        case settings
        case categories
        case members
        case invitations
        case apiKeys = "api-keys"
    }

    /// Named apart from the page's own fields, which Mustache would otherwise find here.
    public let navURL: String
    public let navLabel: String
    public let navCurrent: Bool

    /// The console's sections in order, `current` marked.
    public static func all(current: Section, localization: Localization, language: Language) -> [AdminNavItem] {
        Section.allCases.map { section in
            AdminNavItem(
                navURL: "/admin/\(section.rawValue)",
                navLabel: localization.text("admin_nav_\(section.rawValue)", language),
                navCurrent: section == current)
        }
    }
}
