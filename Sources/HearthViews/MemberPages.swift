import Foundation
import HearthCore

/// View models for members' own pages: notifications, profiles and the profile form.

public struct NotificationsPage: Sendable {
    public static let template = "notifications"
    public struct Item: Sendable {
        public let text: String
        public let url: String
        public let unread: Bool
        public let date: String
        public let dateISO: String
    }

    public let page: PageChrome
    public let items: [Item]

    public init(page: PageChrome, notifications: [MemberNotification], localization: Localization, language: Language) {
        self.page = page
        self.items = notifications.map { note in
            Item(
                text: localization.text(
                    "notifications_\(note.kind.rawValue)", language,
                    ["actor": note.actor.displayName, "topic": note.topicTitle]),
                url: "/t/\(note.topicID.rawValue)?post=\(note.postNumber)#p\(note.postNumber)",
                unread: note.readAt == nil,
                date: Localization.date(note.createdAt, language), dateISO: Localization.isoDate(note.createdAt))
        }
    }
}

public struct ProfilePage: Sendable {
    public static let template = "profile"
    public let page: PageChrome
    public let displayName: String
    public let handle: String
    public let avatarPath: String?
    public let roleName: String?
    public let bioHTML: String
    /// Where the member edits their own profile; nil on others' profiles.
    public let editURL: String?
    public let joined: String
    public let recent: [TopicListItem]
    /// Where a logged-in member reports this profile; nil on one's own and for visitors.
    public let flagURL: String?

    public init(
        page: PageChrome, member: Member, bioHTML: String, roleName: String?, joined: String, recent: [TopicListItem],
        isOwn: Bool = false, canFlag: Bool = false
    ) {
        self.page = page
        self.flagURL = canFlag && !isOwn ? "/u/\(member.handle)/flag" : nil
        self.displayName = member.displayName
        self.handle = member.handle
        self.avatarPath = member.avatarPath
        self.editURL = isOwn ? "/profile" : nil
        self.roleName = roleName
        self.bioHTML = bioHTML
        self.joined = joined
        self.recent = recent
    }
}

public struct ProfileFormPage: Sendable {
    public static let template = "profile-form"
    public struct Option: Sendable {
        public let value: String
        public let label: String
        public let selected: Bool
    }

    public let page: PageChrome
    public let name: String
    public let bio: String
    public let avatarPath: String?
    public let languages: [Option]

    public init(
        page: PageChrome, name: String, bio: String, avatarPath: String?, language: Language?,
        localization: Localization
    ) {
        self.page = page
        self.name = name
        self.bio = bio
        self.avatarPath = avatarPath
        self.languages = Language.allCases.map {
            Option(value: $0.rawValue, label: localization.text("lang_name", $0), selected: $0 == language)
        }
    }
}
