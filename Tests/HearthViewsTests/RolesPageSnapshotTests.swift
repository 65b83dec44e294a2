import Foundation
import HearthCore
import Testing

@testable import HearthViews

/// The console's roles page and a holder's own, filled in and in each language.
extension PageSnapshotTests {
    @Test("the console's roles and a holder's roles, in English and French", arguments: Language.allCases)
    func rolesPages(language: Language) async throws {
        let renderer = try await Renderer.load()
        let localization = renderer.localization
        let general = HearthCore.Category(
            id: CategoryID(1), slug: "general", name: "General <all>", description: "", position: 0,
            startPolicy: .everyone, kind: .forum)
        let evening = DelegateRole(
            id: DelegateRoleID(1),
            definition: RoleDefinition(
                nameEN: "Evening advisor", nameFR: "Conseiller du soir", badge: "Evening",
                guidelines: "Calm **first**: hide, never <delete>.", powers: [.hidePost, .setSlowMode],
                categoryIDs: [general.id], hours: RoleDefinition.Hours(fromMinute: 19 * 60, toMinute: 23 * 60),
                endsOn: CalendarDay("2027-06-30")),
            createdBy: MemberID(1), createdAt: Self.date)
        let ambassador = DelegateRole(
            id: DelegateRoleID(2),
            definition: RoleDefinition(
                nameEN: "Ambassador for beginners", nameFR: "Ambassadeur des débutants", powers: [.readInbox],
                hours: RoleDefinition.Hours(weekdays: [1, 3, 5], fromMinute: 22 * 60, toMinute: 2 * 60)),
            createdBy: MemberID(1), createdAt: Self.date)
        let ana = MemberSummary(
            Member(
                id: MemberID(2), email: "ana@example.org", handle: "ana", displayName: "Ana <Lopez>", role: .member,
                language: nil, createdAt: Self.date))
        var draft = RolesPage.Draft()
        draft.nameEN = "Night <watch>"
        draft.powers = ["hidePost"]
        draft.days = ["6", "7"]
        let page = RolesPage(
            page: chrome(renderer, language, title: "Roles"),
            roles: [
                (
                    DelegationService.Listing(
                        role: evening,
                        holders: [RoleHolder(memberID: ana.id, givenBy: MemberID(1), givenAt: Self.date)]), [ana]
                ),
                (DelegationService.Listing(role: ambassador, holders: []), []),
            ],
            categories: [general], draft: draft, localization: localization, language: language)
        try check(main(try renderer.render(page, template: RolesPage.template)), "admin-roles-\(language.rawValue)")

        let week = ISOWeek(containing: Self.date, in: .gmt).previous
        let unsent = RoleReport(
            id: RoleReportID(7), roleID: evening.id, memberID: ana.id, week: week, openedAt: Self.date,
            activity: RoleReport.Activity(acts: 3, topicsHelped: 5, newcomersWelcomed: 2),
            lines: RoleReport.Lines(wentWell: "Calm <nights>"))
        var sent = RoleReport(
            id: RoleReportID(8), roleID: ambassador.id, memberID: ana.id, week: week, openedAt: Self.date,
            activity: RoleReport.Activity(acts: 0, topicsHelped: 1, newcomersWelcomed: 1),
            lines: RoleReport.Lines(wentWell: "Two welcomes", suggestions: "A FAQ"), sentAt: Self.date)
        sent.answer = "Thanks <3"
        let mine = MyRolesPage(
            page: chrome(renderer, language, title: "My roles"),
            roles: [
                (evening, .holding),
                (ambassador, .waiting(until: Self.date.addingTimeInterval(3_600))),
            ],
            categories: [general], reports: [unsent, sent], now: Self.date,
            timeZone: TimeZone(identifier: "Europe/Paris")!, localization: localization, language: language)
        try check(main(try renderer.render(mine, template: MyRolesPage.template)), "my-roles-\(language.rawValue)")

        let console = RoleReportsPage(
            page: chrome(renderer, language, title: "Reports"),
            reports: [(sent, ambassador, ana), (unsent, evening, ana)], localization: localization, language: language)
        try check(
            main(try renderer.render(console, template: RoleReportsPage.template)),
            "admin-role-reports-\(language.rawValue)")
    }
}
