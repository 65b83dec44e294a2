import HearthCore

/// What every page's frame shows: title, who is logged in, the CSRF token for its forms, messages.
public struct PageChrome: Sendable {
    public struct ViewerChrome: Sendable {
        public let displayName: String
        public let handle: String
        /// The first letter of the name, shown in the header's account menu as the member's round mark.
        public let initial: String
        public let roleName: String
        /// Nil rather than 0 when there are none: Mustache treats only false, nil and empty lists as "no".
        public let unreadNotifications: Int?
        /// Whether the header links to the review queue, and how many items wait there (nil for none).
        public let canReview: Bool
        public let reviewCount: Int?
        /// Whether the header links to the inbox, and how many items arrived since it was last opened ("99+").
        public let canInbox: Bool
        public let inboxCount: String?
        /// Whether the header links to the console (`/admin`).
        public let canAdminister: Bool
        /// Whether the account menu links to the member's delegated roles (`/my-roles`).
        public let hasRoles: Bool
        /// Whether the account menu links to `/people`.
        public let canSeePeople: Bool
        /// Whether the account menu links to `/health` and `/letters` (staff and the team).
        public let canSeeHealth: Bool
    }

    public let title: String
    /// The page's language code, for `<html lang>`.
    public let lang: String
    /// The interface strings in that language, read by templates as `{{t.key}}`.
    public let t: [String: String]
    /// Where the language switch sends its form, and the language it offers.
    public let otherLang: String
    public let communityName: String
    /// The community's logo (an uploaded image), shown before its name.
    public let logoPath: String?
    public let viewer: ViewerChrome?
    public let csrf: String
    public let signupOpen: Bool
    /// Whether the footer links the public moderation log.
    public let publicLog: Bool
    /// The stylesheet's address (see `Asset`).
    public let stylesheet: String = Asset.stylesheet.path
    public var errors: [String]
    public var notice: String?

    public init(
        title: String, communityName: String, viewer: Member?, csrf: String, signupOpen: Bool,
        errors: [String] = [], notice: String? = nil, language: Language = .english, strings: [String: String] = [:],
        unreadNotifications: Int = 0, reviewCount: Int? = nil, inboxCount: Int? = nil, publicLog: Bool = false,
        logoPath: String? = nil,
        canAdminister: Bool = false, canSeePeople: Bool = false, canSeeHealth: Bool = false
    ) {
        self.logoPath = logoPath
        self.publicLog = publicLog
        self.title = title
        self.lang = language.rawValue
        self.t = strings
        self.otherLang = language == .french ? Language.english.rawValue : Language.french.rawValue
        self.communityName = communityName
        self.viewer = viewer.map {
            ViewerChrome(
                displayName: $0.displayName, handle: $0.handle,
                initial: $0.displayName.first.map { String($0).uppercased() } ?? "?",
                roleName: strings["role_\($0.role.rawValue)"] ?? Self.roleName($0.role),
                unreadNotifications: unreadNotifications > 0 ? unreadNotifications : nil,
                canReview: reviewCount != nil, reviewCount: reviewCount.flatMap { $0 > 0 ? $0 : nil },
                canInbox: inboxCount != nil,
                inboxCount: inboxCount.flatMap { $0 <= 0 ? nil : $0 >= InboxService.countCap ? "99+" : String($0) },
                canAdminister: canAdminister, hasRoles: $0.hasGrants,
                canSeePeople: canSeePeople, canSeeHealth: canSeeHealth)
        }
        self.csrf = csrf
        self.signupOpen = signupOpen
        self.errors = errors
        self.notice = notice
    }

    static func roleName(_ role: Role) -> String {
        switch role {
        case .member: "member"
        case .team: "team"
        case .moderator: "moderator"
        case .communityManager: "community manager"
        }
    }
}
