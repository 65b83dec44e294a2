import Foundation
import HearthCore
import Testing

@testable import HearthViews

/// The console's member pages, a profile with its staff actions, and the invitation e-mail.
extension PageSnapshotTests {
    @Test(
        "the member directory, invitations, API keys and a profile, in English and French",
        arguments: Language.allCases)
    func memberPages(language: Language) async throws {
        let renderer = try await Renderer.load()
        let localization = renderer.localization
        let now = Self.date.addingTimeInterval(3_600)
        let ana = Member(
            id: MemberID(2), email: "ana@example.org", handle: "ana", displayName: "Ana <Lopez>", role: .member,
            language: nil, createdAt: Self.date, silencedUntil: now.addingTimeInterval(86_400),
            lastSeenAt: Self.date.addingTimeInterval(600))
        let camille = Member(
            id: MemberID(1), email: "cm@example.org", handle: "camille", displayName: "Camille",
            role: .communityManager, language: nil, createdAt: Self.date)
        let directory = AdminMembersPage(
            page: chrome(renderer, language, title: "Members"),
            directory: MemberDirectoryPage(
                listings: [MemberListing(member: ana, postCount: 2), MemberListing(member: camille, postCount: 1)],
                next: MemberCursor(key: 1_790_000_000_000, id: MemberID(1))),
            search: "a&b", sort: .lastSeen, showEmails: true, localization: localization, language: language, now: now)
        try check(
            main(try renderer.render(directory, template: AdminMembersPage.template)),
            "admin-members-\(language.rawValue)")

        let invitations = AdminInvitationsPage(
            page: chrome(renderer, language, title: "Invitations"),
            invitations: [
                Invitation(
                    id: InvitationID(4), email: "new@example.org", createdAt: Self.date,
                    expiresAt: Self.date.addingTimeInterval(14 * 86_400)),
                Invitation(id: InvitationID(3), email: nil, createdAt: Self.date, expiresAt: Self.date),
            ],
            createdLink: "https://hearth.test/signup?invite=SECRET", createdSent: true, draftEmail: "",
            localization: localization, language: language)
        try check(
            main(try renderer.render(invitations, template: AdminInvitationsPage.template)),
            "admin-invitations-\(language.rawValue)")

        let keys = AdminAPIKeysPage(
            page: chrome(renderer, language, title: "API keys"),
            keys: [
                (
                    APIKey(
                        id: APIKeyID(1), memberID: camille.id, name: "Zapier", scope: .write,
                        displayPrefix: "hth_abcdef", createdAt: Self.date, lastUsedAt: Self.date, revokedAt: nil),
                    MemberSummary(camille)
                ),
                (
                    APIKey(
                        id: APIKeyID(2), memberID: ana.id, name: "Old <script>", scope: .read,
                        displayPrefix: "hth_123456", createdAt: Self.date, lastUsedAt: nil, revokedAt: Self.date),
                    nil
                ),
            ],
            createdSecret: "hth_SECRET", draftName: "", draftScope: .read, draftOwner: "", localization: localization,
            language: language)
        try check(
            main(try renderer.render(keys, template: AdminAPIKeysPage.template)), "admin-api-keys-\(language.rawValue)")

        let topic = topic(1, "Welcome")
        let profile = ProfilePage(
            page: chrome(renderer, language, title: "Ana"), member: ana, bioHTML: "<p>Hello</p>", roleName: nil,
            activity: MemberActivity(
                publicPostCount: 1, recent: [(post(2, MemberSummary(ana), "A *reply*"), topic)],
                lastPostedAt: Self.date),
            powers: MemberPowers(
                seeEmail: true, changeRole: true, sendPasswordReset: true, penalise: true, anonymise: true),
            canFlag: true,
            standing: StandingView(
                MemberStanding(
                    trust: .member, trustLocked: false, level: .participant, move: .down,
                    history: [
                        LevelRecord(week: ISOWeek("2026-W38")!, level: .participant, score: 7.5),
                        LevelRecord(week: ISOWeek("2026-W37")!, level: .contributor, score: 12.4),
                    ]), handle: ana.handle, canSetTrust: true,
                words: PeopleWords(localization: localization, language: language, timeZone: .gmt)),
            localization: localization, language: language)
        try check(main(try renderer.render(profile, template: ProfilePage.template)), "profile-\(language.rawValue)")
    }

    @Test("the invitation e-mail")
    func invitationMail() async throws {
        let renderer = try await Renderer.load()
        let mail = InvitationMail(
            inviter: "Camille", communityName: "Café Hearth", link: "https://hearth.test/signup?invite=TOKEN")
        try check(try renderer.render(mail, template: InvitationMail.template), "mail-invitation")
    }
}
