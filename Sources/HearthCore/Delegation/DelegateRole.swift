import Foundation

extension Action {
    /// How much a power weighs, as the console groups them: reading, calming a thread, or acting on members and
    /// their words.
    public enum Weight: String, Sendable, CaseIterable {
        case reading
        case calming
        case heavy
    }

    public var weight: Weight {
        switch self {
        case .seeRemoved, .readTriage, .viewModerationLog, .browseMembers, .seePeople, .seeMemberEmails, .readInbox:
            .reading
        case .editOthersPosts, .deleteOthersPosts, .warnMember, .silenceMember, .suspendMember:
            .heavy
        default:
            .calming
        }
    }
}

/// Marker for `Identifier<DelegateRole>`.
public typealias DelegateRoleID = Identifier<DelegateRole>

/// What the community manager writes when making a role: "Evening advisor", its guidelines, the powers it hands
/// out, where and when they hold.
public struct RoleDefinition: Sendable, Equatable {
    /// Days and hours the powers hold, in the community's time zone. `from` after `to` runs over midnight.
    public struct Hours: Sendable, Equatable {
        /// ISO weekdays: 1 is Monday, 7 Sunday.
        public var weekdays: Set<Int>
        public var fromMinute: Int
        public var toMinute: Int

        public init(weekdays: Set<Int> = DailyWindow.everyDay, fromMinute: Int, toMinute: Int) {
            self.weekdays = weekdays
            self.fromMinute = fromMinute
            self.toMinute = toMinute
        }

        /// The hours as the policy reads them, in `timeZone`.
        public func window(in timeZone: TimeZone) -> DailyWindow {
            DailyWindow(startMinute: fromMinute, endMinute: toMinute, weekdays: weekdays, timeZone: timeZone)
        }

        /// 1,140 → "19:00", as the hours are written in forms and in the API.
        public static func clock(_ minute: Int) -> String {
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(two(minute / 60)):\(two(minute % 60))"
        }
    }

    public var nameEN: String
    public var nameFR: String
    /// Shown beside the holders' posts; the name in the reader's language when empty.
    public var badge: String
    /// Markdown, shown to the holders.
    public var guidelines: String
    public var powers: Set<Action>
    /// Where the powers hold; empty means the whole community.
    public var categoryIDs: [CategoryID]
    /// When they hold; nil means at any hour.
    public var hours: Hours?
    /// The first and last days they hold, in the community's time zone, both included.
    public var startsOn: CalendarDay?
    public var endsOn: CalendarDay?

    public init(
        nameEN: String, nameFR: String, badge: String = "", guidelines: String = "", powers: Set<Action>,
        categoryIDs: [CategoryID] = [], hours: Hours? = nil, startsOn: CalendarDay? = nil, endsOn: CalendarDay? = nil
    ) {
        self.nameEN = nameEN
        self.nameFR = nameFR
        self.badge = badge
        self.guidelines = guidelines
        self.powers = powers
        self.categoryIDs = categoryIDs
        self.hours = hours
        self.startsOn = startsOn
        self.endsOn = endsOn
    }

    /// The role's name in `language`.
    public func name(_ language: Language) -> String {
        language == .french ? nameFR : nameEN
    }

    /// The powers as the policy reads them, the hours and days read in `timeZone`: one grant per category, or one
    /// for the whole community.
    public func grants(in timeZone: TimeZone) -> [Grant] {
        let window = hours?.window(in: timeZone)
        let scopes: [Resource?] = categoryIDs.isEmpty ? [nil] : categoryIDs.map { .category($0.rawValue) }
        return scopes.map { scope in
            Grant(
                actions: powers, scope: scope, window: window, startsAt: startsOn?.start(in: timeZone),
                expiresAt: endsOn?.end(in: timeZone), roleName: nameEN)
        }
    }

    /// Whether the powers hold at `date`, and if not, whether and when they will.
    public func status(at date: Date, in timeZone: TimeZone) -> RoleStatus {
        if let endsOn, date >= endsOn.end(in: timeZone) { return .ended }
        if let startsOn, date < startsOn.start(in: timeZone) {
            return .waiting(until: nextOpening(after: startsOn.start(in: timeZone) - 1, in: timeZone))
        }
        guard let hours else { return .holding }
        if hours.window(in: timeZone).contains(date) { return .holding }
        return .waiting(until: nextOpening(after: date, in: timeZone))
    }

    private func nextOpening(after date: Date, in timeZone: TimeZone) -> Date? {
        guard let hours else { return date + 1 }
        guard let opening = hours.window(in: timeZone).nextOpening(after: date) else { return nil }
        if let endsOn, opening >= endsOn.end(in: timeZone) { return nil }
        return opening
    }
}

/// Whether a role's powers hold now.
public enum RoleStatus: Sendable, Equatable {
    case holding
    /// Not now; they start at the date (nil: not before the role ends).
    case waiting(until: Date?)
    case ended
}

/// A role as kept: its definition and who made it.
public struct DelegateRole: Sendable, Equatable, Identifiable {
    public let id: DelegateRoleID
    public let definition: RoleDefinition
    public let createdBy: MemberID?
    public let createdAt: Date

    public init(id: DelegateRoleID, definition: RoleDefinition, createdBy: MemberID?, createdAt: Date) {
        self.id = id
        self.definition = definition
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// A member holding a role, since when and from whom.
public struct RoleHolder: Sendable, Equatable {
    public let memberID: MemberID
    public let givenBy: MemberID?
    public let givenAt: Date

    public init(memberID: MemberID, givenBy: MemberID?, givenAt: Date) {
        self.memberID = memberID
        self.givenBy = givenBy
        self.givenAt = givenAt
    }
}
