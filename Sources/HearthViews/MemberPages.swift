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

    /// `notices`: about the member's delegated roles; `feedback`: about the board's items they raised, voted for
    /// or follow; merged with the others by date.
    public init(
        page: PageChrome, notifications: [MemberNotification], notices: [RoleNotice] = [],
        feedback: [FeedbackNotice] = [], localization: Localization, language: Language
    ) {
        self.page = page
        let roleItems = notices.map { notice in
            (
                notice.createdAt,
                Item(
                    text: localization.text(
                        "notices_\(notice.kind.rawValue)", language,
                        ["role": notice.name(language), "week": notice.week?.description ?? ""]),
                    url: "/my-roles", unread: notice.readAt == nil, date: Localization.date(notice.createdAt, language),
                    dateISO: Localization.isoDate(notice.createdAt))
            )
        }
        let postItems = notifications.map { note in
            (
                note.createdAt,
                Item(
                    text: localization.text(
                        "notifications_\(note.kind.rawValue)", language,
                        ["actor": note.actor.displayName, "topic": note.topicTitle]),
                    url: "/t/\(note.topicID.rawValue)?post=\(note.postNumber)#p\(note.postNumber)",
                    unread: note.readAt == nil,
                    date: Localization.date(note.createdAt, language), dateISO: Localization.isoDate(note.createdAt))
            )
        }
        let feedbackItems = feedback.map { notice in
            (
                notice.createdAt,
                Item(
                    text: localization.text(
                        "notices_feedback", language,
                        [
                            "title": notice.title,
                            "status": localization.text("feedback_status_\(notice.status.rawValue)", language),
                        ]
                    ) + (notice.note.isEmpty ? "" : " " + notice.note),
                    url: "/feedback/\(notice.itemID.rawValue)", unread: notice.readAt == nil,
                    date: Localization.date(notice.createdAt, language), dateISO: Localization.isoDate(notice.createdAt)
                )
            )
        }
        self.items = (roleItems + postItems + feedbackItems).sorted { $0.0 > $1.0 }.map(\.1)
    }
}

public struct ProfilePage: Sendable {
    public static let template = "profile"

    /// One of the member's latest posts, opening posts and replies alike.
    public struct RecentPost: Sendable {
        public let postURL: String
        public let topicTitle: String
        public let excerpt: String
        public let postedText: String
        public let postedISO: String
    }

    /// What staff may do here; nil for everyone else.
    public struct StaffActions: Sendable {
        public typealias RoleOption = FormOption

        /// The member's e-mail, for those who may see it; empty otherwise.
        public let memberEmail: String
        public let roleAction: String?
        public let roleOptions: [RoleOption]
        public let resetAction: String?
        public let penaltiesURL: String?
        public let anonymiseAction: String?
    }

    public let page: PageChrome
    public let displayName: String
    public let handle: String
    public let avatarPath: String?
    public let roleName: String?
    public let bioHTML: String
    /// Where the member edits their own profile; nil on others' profiles.
    public let editURL: String?
    public let joined: String
    /// "2 posts", "1 post": what everyone can see of theirs.
    public let postCountText: String
    /// When they last wrote something the viewer may see; nil when nothing.
    public let lastPostText: String?
    public let recentPosts: [RecentPost]
    public let hasRecentPosts: Bool
    /// Where a logged-in member reports this profile; nil on one's own and for visitors.
    public let flagURL: String?
    public let staff: StaffActions?
    /// Trust and engagement, for staff only.
    public let standing: StandingView?

    public init(
        page: PageChrome, member: Member, bioHTML: String, roleName: String?, activity: MemberActivity,
        powers: MemberPowers = .none, isOwn: Bool = false, canFlag: Bool = false, standing: StandingView? = nil,
        localization: Localization, language: Language
    ) {
        self.page = page
        self.standing = standing
        self.flagURL = canFlag && !isOwn ? "/u/\(member.handle)/flag" : nil
        self.displayName = member.displayName
        self.handle = member.handle
        self.avatarPath = member.avatarPath
        self.editURL = isOwn ? "/profile" : nil
        self.roleName = roleName
        self.bioHTML = bioHTML
        self.joined = Localization.date(member.createdAt, language)
        let count = activity.publicPostCount
        self.postCountText = localization.text(
            Localization.isSingular(count, language) ? "profile_postCount_one" : "profile_postCount_other", language,
            ["count": String(count)])
        self.lastPostText = activity.lastPostedAt.map { Localization.date($0, language) }
        self.recentPosts = activity.recent.map { post, topic in
            RecentPost(
                postURL: "/t/\(topic.id.rawValue)?post=\(post.number)#p\(post.number)", topicTitle: topic.title,
                excerpt: MarkdownExcerpt.make(post.body, maximumLength: 200),
                postedText: Localization.date(post.createdAt, language),
                postedISO: Localization.isoDate(post.createdAt))
        }
        self.hasRecentPosts = !recentPosts.isEmpty
        let base = "/u/\(member.handle)"
        self.staff =
            powers.hasAny || powers.seeEmail
            ? StaffActions(
                memberEmail: powers.seeEmail ? member.email : "",
                roleAction: powers.changeRole ? base + "/role" : nil,
                roleOptions: Role.allCases.map {
                    StaffActions.RoleOption(
                        value: $0.rawValue, label: localization.text("role_\($0.rawValue)", language),
                        selected: $0 == member.role)
                },
                resetAction: powers.sendPasswordReset ? base + "/password-reset" : nil,
                penaltiesURL: powers.penalise ? base + "/penalties" : nil,
                anonymiseAction: powers.anonymise ? base + "/anonymise" : nil)
            : nil
    }
}

public struct ProfileFormPage: Sendable {
    public static let template = "profile-form"
    public typealias Option = FormOption

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
