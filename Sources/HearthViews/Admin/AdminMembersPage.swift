import Foundation
import HearthCore

/// `/admin/members`: the searchable member directory.
public struct AdminMembersPage: Sendable {
    public static let template = "admin-members"

    public struct Row: Sendable {
        public let profileURL: String
        public let displayName: String
        public let handle: String
        /// Empty for those who may not see e-mails (the column is left out for them).
        public let email: String
        public let joinedText: String
        public let joinedISO: String
        /// "never" when the member has not been seen since it was recorded.
        public let lastSeenText: String
        public let postCount: Int
        public let roleText: String
        /// The penalties in force, in words, or empty.
        public let penaltiesText: String
    }

    public typealias SortOption = FormOption

    public let page: PageChrome
    public let nav: ConsoleNav
    public let rows: [Row]
    public let hasRows: Bool
    public let showEmails: Bool
    public let search: String
    public let sortOptions: [SortOption]
    /// The next page's address, or nil on the last.
    public let nextURL: String?

    public init(
        page: PageChrome, directory: MemberDirectoryPage, search: String, sort: MemberSort, showEmails: Bool,
        localization: Localization, language: Language, now: Date
    ) {
        self.page = page
        self.nav = ConsoleNav(current: "members", localization: localization, language: language)
        self.rows = directory.listings.map { listing in
            let member = listing.member
            return Row(
                profileURL: "/u/\(member.handle)", displayName: member.displayName, handle: member.handle,
                email: showEmails ? member.email : "",
                joinedText: Localization.date(member.createdAt, language),
                joinedISO: Localization.isoDate(member.createdAt),
                lastSeenText: member.lastSeenAt.map { Localization.date($0, language) }
                    ?? localization.text("members_neverSeen", language),
                postCount: listing.postCount,
                roleText: localization.text("role_\(member.role.rawValue)", language),
                penaltiesText: listing.penaltiesInForce(at: now)
                    .map { localization.text("penalty_\($0.rawValue)", language) }
                    .joined(separator: ", "))
        }
        self.hasRows = !rows.isEmpty
        self.showEmails = showEmails
        self.search = search
        self.sortOptions = MemberSort.allCases.map {
            SortOption(
                value: $0.rawValue, label: localization.text("members_sort_\($0.rawValue)", language),
                selected: $0 == sort)
        }
        self.nextURL = directory.next.map { cursor in
            var query = "sort=\(sort.rawValue)&cursor=\(cursor.token)"
            if !search.isEmpty {
                query += "&q=" + (search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return "/admin/members?" + query
        }
    }
}
