import Foundation
import HearthCore

/// How a role's definition reads on a page: its powers, where and when they hold, in the reader's language.
public struct RoleSummary: Sendable {
    public let name: String
    public let otherName: String
    /// Nil rather than empty: Mustache treats an empty string as "yes".
    public let badge: String?
    /// The powers' labels, joined.
    public let powers: String
    public let scope: String
    public let hours: String
    public let dates: String?

    public init(
        _ role: RoleDefinition, categories: [HearthCore.Category], localization: Localization, language: Language
    ) {
        func text(_ key: String) -> String { localization.text(key, language) }
        name = role.name(language)
        otherName = role.name(language == .french ? .english : .french)
        badge = role.badge.isEmpty ? nil : role.badge
        powers = role.powers.map { text("power_\($0.name)") }.sorted().joined(separator: ", ")
        let names = role.categoryIDs.compactMap { id in categories.first { $0.id == id }?.name }
        scope = names.isEmpty ? text("roles_everywhere") : names.joined(separator: ", ")
        if let hours = role.hours {
            let days =
                hours.weekdays == DailyWindow.everyDay
                ? text("roles_everyDay") : hours.weekdays.sorted().map { text("day_\($0)") }.joined(separator: ", ")
            self.hours =
                "\(days), \(RoleDefinition.Hours.clock(hours.fromMinute))–\(RoleDefinition.Hours.clock(hours.toMinute))"
        } else {
            self.hours = text("roles_anyHour")
        }
        switch (role.startsOn, role.endsOn) {
        case (nil, nil): dates = nil
        case (let start?, nil): dates = text("roles_from") + " " + start.description
        case (nil, let end?): dates = text("roles_until") + " " + end.description
        case (let start?, let end?): dates = start.description + " – " + end.description
        }
    }
}

/// The console's roles (`/admin/roles`): each role with its holders, a form to give it, and a form to make one.
public struct RolesPage: Sendable {
    public static let template = "admin-roles"

    public struct Holder: Sendable {
        public let memberID: Int64
        public let displayName: String
        public let handle: String
    }

    public struct Row: Sendable {
        public let id: Int64
        public let summary: RoleSummary
        public let holders: [Holder]
        public let hasHolders: Bool
        /// What was typed in its "give to" field when the give came back with a mistake.
        public let typedMember: String
    }

    /// What the new-role form shows: empty, or what was sent when it came back with a mistake.
    public struct Draft: Sendable {
        public var nameEN = ""
        public var nameFR = ""
        public var badge = ""
        public var guidelines = ""
        public var powers: Set<String> = []
        public var categories: Set<String> = []
        public var days: Set<String> = []
        public var from = ""
        public var to = ""
        public var startsOn = ""
        public var endsOn = ""
        /// The role whose "give to" field came back with a mistake, and what was typed in it.
        public var givingRole: Int64?
        public var givingTo = ""
        /// The role being edited.
        public var editing: Int64?

        public init() {}

        /// A role's definition as the form shows it, to edit it.
        public init(_ role: DelegateRole) {
            let definition = role.definition
            nameEN = definition.nameEN
            nameFR = definition.nameFR
            badge = definition.badge
            guidelines = definition.guidelines
            powers = Set(definition.powers.map(\.name))
            categories = Set(definition.categoryIDs.map { String($0.rawValue) })
            days = Set((definition.hours?.weekdays ?? []).map(String.init))
            from = definition.hours.map { RoleDefinition.Hours.clock($0.fromMinute) } ?? ""
            to = definition.hours.map { RoleDefinition.Hours.clock($0.toMinute) } ?? ""
            startsOn = definition.startsOn?.description ?? ""
            endsOn = definition.endsOn?.description ?? ""
            editing = role.id.rawValue
        }
    }

    public let page: PageChrome
    public let nav: ConsoleNav
    public let roles: [Row]
    public let hasRoles: Bool
    public let draft: Draft
    /// The powers, grouped by how much they weigh.
    public let powerGroups: [PowerGroup]
    /// The role the form edits (`?edit=ID`); nil: the form makes a new one.
    public let editing: Editing?
    public let formAction: String

    public struct PowerGroup: Sendable {
        public let legend: String
        public let powers: [FormOption]
    }

    public struct Editing: Sendable {
        public let id: Int64
        public let heading: String
        public let removeAction: String
    }
    public let categories: [FormOption]
    public let days: [FormOption]

    public init(
        page: PageChrome, roles: [(DelegationService.Listing, [MemberSummary])], categories: [HearthCore.Category],
        draft: Draft, localization: Localization, language: Language
    ) {
        self.page = page
        nav = ConsoleNav(current: "roles", localization: localization, language: language)
        self.roles = roles.map { listing, holders in
            Row(
                id: listing.role.id.rawValue,
                summary: RoleSummary(
                    listing.role.definition, categories: categories, localization: localization, language: language),
                holders: holders.map {
                    Holder(memberID: $0.id.rawValue, displayName: $0.displayName, handle: $0.handle)
                },
                hasHolders: !holders.isEmpty,
                typedMember: listing.role.id.rawValue == draft.givingRole ? draft.givingTo : "")
        }
        hasRoles = !roles.isEmpty
        self.draft = draft
        powerGroups = Action.Weight.allCases.map { weight in
            PowerGroup(
                legend: localization.text("roles_weight_\(weight.rawValue)", language),
                powers: Action.moderation.filter { $0.weight == weight }.map(\.name).map {
                    FormOption(
                        value: $0, label: localization.text("power_\($0)", language),
                        selected: draft.powers.contains($0))
                }.sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending })
        }
        let edited = draft.editing.flatMap { id in roles.first { $0.0.role.id.rawValue == id } }
        editing = edited.map {
            Editing(
                id: $0.0.role.id.rawValue,
                heading: localization.text("roles_editing", language, ["name": $0.0.role.definition.name(language)]),
                removeAction: "/admin/roles/\($0.0.role.id.rawValue)/remove")
        }
        formAction = edited.map { "/admin/roles/\($0.0.role.id.rawValue)" } ?? "/admin/roles"
        self.categories = categories.filter { $0.archivedAt == nil }.map {
            FormOption(
                value: String($0.id.rawValue), label: $0.name,
                selected: draft.categories.contains(String($0.id.rawValue)))
        }
        days = (1...7).map {
            FormOption(
                value: String($0), label: localization.text("day_\($0)", language),
                selected: draft.days.contains(String($0)))
        }
    }
}

/// A member's own roles (`/my-roles`): the guidelines, and whether the powers hold now or when they start.
public struct MyRolesPage: Sendable {
    public static let template = "my-roles"

    public struct Row: Sendable {
        public let summary: RoleSummary
        /// Nil when the role has none.
        public let guidelinesHTML: String?
        public let holding: Bool
        public let status: String
        /// Last week's report on this role, when it has opened.
        public let report: ReportBox?
    }

    public let page: PageChrome
    public let roles: [Row]
    public let hasRoles: Bool

    public init(
        page: PageChrome, roles: [(role: DelegateRole, status: RoleStatus)], categories: [HearthCore.Category],
        reports: [RoleReport] = [], now: Date = Date(), timeZone: TimeZone, localization: Localization,
        language: Language
    ) {
        self.page = page
        let cooker = SafeMarkdown()
        self.roles = roles.map { role, status in
            let text: String
            switch status {
            case .holding: text = localization.text("roles_holdingNow", language)
            case .waiting(let until?):
                // Said in the community's time zone, as the role's hours are.
                text =
                    localization.text("roles_startsAt", language) + " "
                    + Localization.date(until, language, in: timeZone)
            case .waiting(nil), .ended: text = localization.text("roles_ended", language)
            }
            return Row(
                summary: RoleSummary(
                    role.definition, categories: categories, localization: localization, language: language),
                guidelinesHTML: role.definition.guidelines.isEmpty ? nil : cooker.render(role.definition.guidelines),
                holding: status == .holding, status: text,
                report: reports.first { $0.roleID == role.id }.map {
                    ReportBox($0, now: now, timeZone: timeZone, localization: localization, language: language)
                })
        }
        hasRoles = !roles.isEmpty
    }
}

/// A weekly report as its holder sees it on `/my-roles`: a form while it may be written, then what was sent and
/// the community manager's answer.
public struct ReportBox: Sendable {
    public let id: Int64
    public let heading: String
    public let activity: String
    public let wentWell: String
    public let needsManager: String
    public let suggestions: String
    /// The same once it can no longer be written, nil when empty (Mustache treats "" as "yes").
    public let sentWentWell: String?
    public let sentNeedsManager: String?
    public let sentSuggestions: String?
    public let editable: Bool
    /// "Sent on …", or "You can write it until …", or "The week … is over".
    public let state: String
    public let answer: String?

    public init(_ report: RoleReport, now: Date, timeZone: TimeZone, localization: Localization, language: Language) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String {
            localization.text(key, language, values)
        }
        id = report.id.rawValue
        heading = text("roleReport_heading", ["week": report.week.description])
        activity = ReportBox.activity(
            report.activity, key: "roleReport_activity", localization: localization, language: language)
        wentWell = report.lines.wentWell
        needsManager = report.lines.needsManager
        suggestions = report.lines.suggestions
        sentWentWell = wentWell.isEmpty ? nil : wentWell
        sentNeedsManager = needsManager.isEmpty ? nil : needsManager
        sentSuggestions = suggestions.isEmpty ? nil : suggestions
        let closes = RoleReport.closes(report.week, in: timeZone)
        editable = report.sentAt == nil && now < closes
        if let sentAt = report.sentAt {
            state = text("roleReport_sent", ["date": Localization.date(sentAt, language)])
        } else if editable {
            state = text("roleReport_editableUntil", ["date": Localization.date(closes, language, in: timeZone)])
        } else {
            state = text("roleReport_closed")
        }
        answer = report.answer
    }

    static func activity(
        _ activity: RoleReport.Activity, key: String, localization: Localization, language: Language
    ) -> String {
        localization.text(
            key, language,
            [
                "acts": String(activity.acts), "topics": String(activity.topicsHelped),
                "newcomers": String(activity.newcomersWelcomed),
            ])
    }
}

/// The console's page of weekly reports (`/admin/roles/reports`): every holder's, newest week first, to read,
/// mark read and answer.
public struct RoleReportsPage: Sendable {
    public static let template = "admin-role-reports"

    public struct Row: Sendable {
        public let id: Int64
        public let roleName: String
        public let holder: String
        public let handle: String
        public let week: String
        public let activity: String
        public let wentWell: String?
        public let needsManager: String?
        public let suggestions: String?
        public let sent: String?
        public let read: Bool
        public let answer: String?
    }

    public let page: PageChrome
    public let nav: ConsoleNav
    public let reports: [Row]
    public let hasReports: Bool

    public init(
        page: PageChrome, reports: [(RoleReport, DelegateRole?, MemberSummary?)], localization: Localization,
        language: Language
    ) {
        self.page = page
        nav = ConsoleNav(current: "roles", localization: localization, language: language)
        self.reports = reports.map { report, role, holder in
            func line(_ text: String) -> String? { text.isEmpty ? nil : text }
            return Row(
                id: report.id.rawValue, roleName: role?.definition.name(language) ?? "",
                holder: holder?.displayName ?? "", handle: holder?.handle ?? "", week: report.week.description,
                activity: ReportBox.activity(
                    report.activity, key: "roleReports_activity", localization: localization, language: language),
                wentWell: line(report.lines.wentWell), needsManager: line(report.lines.needsManager),
                suggestions: line(report.lines.suggestions),
                sent: report.sentAt.map {
                    localization.text("roleReport_sent", language, ["date": Localization.date($0, language)])
                }, read: report.readAt != nil, answer: report.answer)
        }
        hasReports = !reports.isEmpty
    }
}
