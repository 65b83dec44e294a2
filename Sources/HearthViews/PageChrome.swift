import HearthCore

/// What every page's frame shows: title, who is logged in, the CSRF token for its forms, messages.
public struct PageChrome: Sendable {
    public struct ViewerChrome: Sendable {
        public let displayName: String
        public let roleName: String
    }

    public let title: String
    public let communityName: String
    public let viewer: ViewerChrome?
    public let csrf: String
    public let signupOpen: Bool
    public var errors: [String]
    public var notice: String?

    public init(
        title: String, communityName: String, viewer: Member?, csrf: String, signupOpen: Bool,
        errors: [String] = [], notice: String? = nil
    ) {
        self.title = title
        self.communityName = communityName
        self.viewer = viewer.map { ViewerChrome(displayName: $0.displayName, roleName: Self.roleName($0.role)) }
        self.csrf = csrf
        self.signupOpen = signupOpen
        self.errors = errors
        self.notice = notice
    }

    static func roleName(_ role: Role) -> String {
        switch role {
        case .member: "member"
        case .moderator: "moderator"
        case .communityManager: "community manager"
        }
    }
}
