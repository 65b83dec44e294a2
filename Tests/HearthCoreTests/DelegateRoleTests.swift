import Foundation
import Testing

@testable import HearthCore

@Suite("Delegated roles, their days and hours")
struct DelegateRoleTests {
    let paris = TimeZone(identifier: "Europe/Paris")!
    /// Tuesday 2026-11-24, 19:30 UTC: 20:30 in Paris.
    let tuesdayEvening = Date(timeIntervalSince1970: 1_795_548_600)

    func role(
        _ powers: Set<Action> = [.hidePost], categories: [Int64] = [], hours: RoleDefinition.Hours? = nil,
        startsOn: String? = nil, endsOn: String? = nil
    ) -> RoleDefinition {
        RoleDefinition(
            nameEN: "Evening advisor", nameFR: "Conseiller du soir", powers: powers,
            categoryIDs: categories.map(CategoryID.init(rawValue:)), hours: hours,
            startsOn: startsOn.flatMap(CalendarDay.init), endsOn: endsOn.flatMap(CalendarDay.init))
    }

    @Test("a window opens only on its days, and one past midnight belongs to the day it opened")
    func weekdays() {
        let tuesdays = DailyWindow(startMinute: 19 * 60, endMinute: 23 * 60, weekdays: [2], timeZone: paris)
        #expect(tuesdays.contains(tuesdayEvening))
        #expect(!tuesdays.contains(tuesdayEvening + 7 * 3_600), "03:30 on Wednesday is after the window")
        let wednesdays = DailyWindow(startMinute: 19 * 60, endMinute: 23 * 60, weekdays: [3], timeZone: paris)
        #expect(!wednesdays.contains(tuesdayEvening))
        // Tuesday 22:00 to 02:00, Tuesdays only: Wednesday 01:30 is Tuesday's night, Tuesday 01:30 is Monday's.
        let night = DailyWindow(startMinute: 22 * 60, endMinute: 2 * 60, weekdays: [2], timeZone: paris)
        #expect(night.contains(tuesdayEvening + 5 * 3_600))
        #expect(!night.contains(tuesdayEvening - 19 * 3_600))
        #expect(night.nextOpening(after: tuesdayEvening) == tuesdayEvening + 1.5 * 3_600)
        #expect(night.nextOpening(after: tuesdayEvening + 2 * 3_600) == tuesdayEvening + (1.5 + 7 * 24) * 3_600)
    }

    @Test("a night window belongs to the day it opens, at the start of a role and at its end")
    func nightsAtTheEdges() {
        // Tuesday to Wednesday nights, 22:00–02:00 Paris; the role runs from Wednesday to Wednesday.
        let role = role(
            hours: RoleDefinition.Hours(weekdays: [2, 3], fromMinute: 22 * 60, toMinute: 2 * 60),
            startsOn: "2026-11-25", endsOn: "2026-11-25")
        let grant = role.grants(in: paris)[0]
        let wednesdayOneAM = tuesdayEvening + 4.5 * 3_600
        #expect(!grant.covers(.hidePost, on: .community, at: wednesdayOneAM), "Tuesday's night, before the first day")
        let thursdayOneAM = wednesdayOneAM + 86_400
        #expect(grant.covers(.hidePost, on: .community, at: thursdayOneAM), "Wednesday's night, to its end")
        #expect(!grant.covers(.hidePost, on: .community, at: thursdayOneAM + 2 * 3_600), "and no further")
    }

    @Test("a role gives one grant per category, from the start of its first day to the end of its last")
    func grants() {
        let grants = role(categories: [3, 4], startsOn: "2026-11-24", endsOn: "2026-11-30").grants(in: paris)
        #expect(grants.map(\.scope) == [.category(3), .category(4)])
        // Midnight in Paris is 23:00 UTC the day before.
        #expect(grants[0].startsAt == Date(timeIntervalSince1970: 1_795_474_800))
        #expect(grants[0].expiresAt == Date(timeIntervalSince1970: 1_795_474_800 + 7 * 86_400))
        #expect(grants[0].roleName == "Evening advisor")
        #expect(role().grants(in: paris).map(\.scope) == [nil], "no category: the whole community")

        let policy = AccessPolicy()
        let member = Member(
            id: MemberID(7), email: "eve@example.org", handle: "eve", displayName: "Eve", role: .member, language: nil,
            createdAt: tuesdayEvening - 86_400 * 100)
        let advisor = Viewer(member: member, credential: .session(SessionID(1)), grants: grants)
        #expect(policy.decide(advisor, .hidePost, on: .category(3), at: tuesdayEvening).isAllowed)
        #expect(!policy.decide(advisor, .hidePost, on: .category(5), at: tuesdayEvening).isAllowed)
        #expect(!policy.decide(advisor, .hidePost, on: .category(3), at: tuesdayEvening - 86_400).isAllowed)
        #expect(!policy.decide(advisor, .hidePost, on: .category(3), at: tuesdayEvening + 7 * 86_400).isAllowed)
        #expect(policy.decide(advisor, .hidePost, on: .category(3), at: tuesdayEvening + 6 * 86_400).isAllowed)
    }

    @Test("whether a role's powers hold now, and when they start")
    func status() {
        let evenings = role(hours: RoleDefinition.Hours(fromMinute: 19 * 60, toMinute: 23 * 60), endsOn: "2026-11-25")
        #expect(evenings.status(at: tuesdayEvening, in: paris) == .holding)
        // 18:59 Paris: it starts a minute later.
        let early = tuesdayEvening - 91 * 60
        #expect(evenings.status(at: early, in: paris) == .waiting(until: early + 60))
        // After Wednesday's window, the role's last day: no more openings.
        #expect(evenings.status(at: tuesdayEvening + 27 * 3_600, in: paris) == .waiting(until: nil))
        #expect(evenings.status(at: tuesdayEvening + 2 * 86_400, in: paris) == .ended)
        let later = role(startsOn: "2026-12-01")
        #expect(
            later.status(at: tuesdayEvening, in: paris)
                == .waiting(until: CalendarDay("2026-12-01")!.start(in: paris)))
    }

    @Test("days are read strictly")
    func days() {
        #expect(CalendarDay("2026-12-03")?.description == "2026-12-03")
        #expect(CalendarDay("2026-02-30") == nil)
        #expect(CalendarDay("2026-2-3") == nil)
        #expect(CalendarDay("tomorrow") == nil)
        #expect(CalendarDay("2026-11-30")! < CalendarDay("2026-12-01")!)
        #expect(CalendarDay("0668-07-29")?.description == "0668-07-29")
    }

    @Test("every action has a name the API can read back")
    func actionNames() {
        for action in Action.allCases { #expect(Action(name: action.name) == action) }
        #expect(Action.hidePost.name == "hidePost")
        #expect(Action(name: "hide_post") == nil)
    }
}
