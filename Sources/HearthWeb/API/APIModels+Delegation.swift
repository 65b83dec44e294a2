import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the delegated roles' routes (`DelegationAPI`).
extension APIModel {
    struct RoleName: Codable {
        let en: String
        let fr: String
    }

    /// Days and hours in the community's time zone: `days` are ISO weekdays (1 is Monday), times "HH:MM".
    struct RoleWindow: Codable {
        let days: [Int]
        let from: String
        let to: String
    }

    struct RoleHolder: Codable {
        let memberId: Int64
        let givenAt: Date
    }

    struct DelegateRole: ResponseEncodable, Codable {
        let id: Int64
        let name: RoleName
        let badge: String
        let guidelines: String
        /// The policy's action names (`hidePost`).
        let powers: [String]
        /// Empty: the whole community.
        let categoryIds: [Int64]
        /// Absent: at any hour.
        let window: RoleWindow?
        let startsOn: String?
        let endsOn: String?
        let holders: [RoleHolder]

        init(_ listing: DelegationService.Listing) {
            let role = listing.role.definition
            id = listing.role.id.rawValue
            name = RoleName(en: role.nameEN, fr: role.nameFR)
            badge = role.badge
            guidelines = role.guidelines
            powers = role.powers.map(\.name).sorted()
            categoryIds = role.categoryIDs.map(\.rawValue)
            window = role.hours.map {
                RoleWindow(
                    days: $0.weekdays.sorted(), from: RoleDefinition.Hours.clock($0.fromMinute),
                    to: RoleDefinition.Hours.clock($0.toMinute))
            }
            startsOn = role.startsOn?.description
            endsOn = role.endsOn?.description
            holders = listing.holders.map { RoleHolder(memberId: $0.memberID.rawValue, givenAt: $0.givenAt) }
        }
    }

    struct NewRole: Codable {
        let name: RoleName
        let badge: String?
        let guidelines: String?
        let powers: [String]
        let categoryIds: [Int64]?
        let window: RoleWindow?
        let startsOn: String?
        let endsOn: String?
    }

    struct NewHolder: Codable {
        let memberId: Int64
    }

    /// Reads a role's input, naming every field that cannot be read; the service judges the rest.
    enum DelegateRoleInput {
        static func definition(_ input: NewRole) throws -> RoleDefinition {
            var problems: [FieldError] = []
            var powers: Set<Action> = []
            for name in input.powers {
                if let action = Action(name: name) {
                    powers.insert(action)
                } else {
                    problems.append(
                        FieldError(field: "powers", message: "\(name) is not a power (see the API document)."))
                }
            }
            var hours: RoleDefinition.Hours?
            if let window = input.window {
                let from = minute(window.from)
                let to = minute(window.to)
                for (field, text, value) in [("window.from", window.from, from), ("window.to", window.to, to)]
                where value == nil {
                    problems.append(
                        FieldError(
                            field: field,
                            message: text.isEmpty ? "Give both times, or neither." : "Write the time as HH:MM."))
                }
                if let from, let to {
                    hours = RoleDefinition.Hours(weekdays: Set(window.days), fromMinute: from, toMinute: to)
                }
            }
            func day(_ text: String?, _ field: String) -> CalendarDay? {
                guard let text else { return nil }
                guard let day = CalendarDay(text) else {
                    problems.append(FieldError(field: field, message: "Write the day as YYYY-MM-DD."))
                    return nil
                }
                return day
            }
            let startsOn = day(input.startsOn, "startsOn")
            let endsOn = day(input.endsOn, "endsOn")
            guard problems.isEmpty else { throw HearthError.validation(problems) }
            return RoleDefinition(
                nameEN: input.name.en, nameFR: input.name.fr, badge: input.badge ?? "",
                guidelines: input.guidelines ?? "", powers: powers,
                categoryIDs: (input.categoryIds ?? []).map(CategoryID.init(rawValue:)), hours: hours,
                startsOn: startsOn, endsOn: endsOn)
        }

        /// "19:00" → 1,140; nil unless HH:MM with HH 00–23.
        static func minute(_ text: String) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            return hour * 60 + minute
        }
    }
}

extension APIModel {
    struct RoleActivity: Codable {
        let acts: Int
        let topicsHelped: Int
        let newcomersWelcomed: Int
    }

    struct RoleReport: ResponseEncodable, Codable {
        let id: Int64
        let roleId: Int64
        let memberId: Int64
        let week: String
        let openedAt: Date
        let activity: RoleActivity
        let wentWell: String
        let needsManager: String
        let suggestions: String
        let sentAt: Date?
        let readAt: Date?
        let answer: String?
        let answeredAt: Date?
        /// After this the report is kept as it is.
        let editableUntil: Date

        init(_ report: HearthCore.RoleReport, timeZone: TimeZone) {
            id = report.id.rawValue
            roleId = report.roleID.rawValue
            memberId = report.memberID.rawValue
            week = report.week.description
            openedAt = report.openedAt
            activity = RoleActivity(
                acts: report.activity.acts, topicsHelped: report.activity.topicsHelped,
                newcomersWelcomed: report.activity.newcomersWelcomed)
            wentWell = report.lines.wentWell
            needsManager = report.lines.needsManager
            suggestions = report.lines.suggestions
            sentAt = report.sentAt
            readAt = report.readAt
            answer = report.answer
            answeredAt = report.answeredAt
            editableUntil = HearthCore.RoleReport.closes(report.week, in: timeZone)
        }
    }

    struct ReportInput: Codable {
        let wentWell: String?
        let needsManager: String?
        let suggestions: String?
        /// Sends the report; without it the lines are saved as a draft.
        let send: Bool?
    }
}
