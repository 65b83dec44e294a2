import Foundation
import HearthCore

/// A member's penalties and the form to give one (`/u/<handle>/penalties`, staff).
public struct PenaltyPage: Sendable {
    public static let template = "penalties"

    public struct Line: Sendable {
        public let kind: String
        public let reason: String
        public let date: String
        public let until: String?
        public let by: String?
        public let active: Bool
        /// When it was lifted before its end.
        public let lifted: String?
        /// A silence or suspension in force, which staff may end early from its line.
        public let liftID: Int64?
    }

    public struct Duration: Sendable {
        public let seconds: Int
        public let label: String
        public let selected: Bool
    }

    public let page: PageChrome
    public let name: String
    public let handle: String
    public let history: [Line]
    public let durations: [Duration]
    public let suggestion: String
    public let warnSelected: Bool
    public let silenceSelected: Bool
    public let suspendSelected: Bool
    /// Whether the viewer may give this member a penalty (not the member, not oneself): else the form is left out.
    public let canGive: Bool
    /// What was typed in a form refused, so that nothing has to be typed again.
    public let reason: String

    /// A form as it was sent: the kind chosen, the length (seconds, 0 for none) and the reason.
    public struct Draft: Sendable {
        public let kind: Penalty.Kind
        public let seconds: Int
        public let reason: String

        public init(kind: Penalty.Kind, seconds: Int, reason: String) {
            self.kind = kind
            self.seconds = seconds
            self.reason = reason
        }
    }

    public init(
        page: PageChrome, member: Member, history: [Penalty], localization: Localization, language: Language,
        now: Date, canGive: Bool, draft: Draft? = nil
    ) {
        self.page = page
        self.name = member.displayName
        self.handle = member.handle
        self.history = history.map { penalty in
            Line(
                kind: localization.text("penalty_\(penalty.kind.rawValue)", language), reason: penalty.reason,
                date: Localization.date(penalty.createdAt, language),
                until: penalty.endsAt.map { Localization.date($0, language) }, by: penalty.createdBy?.displayName,
                active: penalty.isActive(at: now), lifted: penalty.liftedAt.map { Localization.date($0, language) },
                liftID: canGive && penalty.kind != .warn && penalty.isActive(at: now) ? penalty.id.rawValue : nil)
        }
        let next = Penalty.suggestion(after: history)
        let seconds = draft.map(\.seconds) ?? next.seconds
        self.durations = Penalty.durations.map {
            Duration(seconds: $0, label: Localization.duration($0, language), selected: $0 == seconds)
        }
        self.suggestion = localization.text(
            "review_suggestion", language,
            [
                "penalty": localization.text("penalty_\(next.kind.rawValue)", language),
                "length": next.seconds.map { Localization.duration($0, language) } ?? "",
            ])
        let kind = draft?.kind ?? next.kind
        self.warnSelected = kind == .warn
        self.silenceSelected = kind == .silence
        self.suspendSelected = kind == .suspend
        self.canGive = canGive
        self.reason = draft?.reason ?? ""
    }

    /// What the page says after a penalty was given (the latest, and until when) or lifted (and whether another
    /// still holds the member back); nil for anything else.
    public static func notice(
        done: String?, history: [Penalty], name: String, now: Date, localization: Localization, language: Language
    ) -> String? {
        let what = { (penalty: Penalty) in Self.what(penalty, localization: localization, language: language) }
        switch done {
        case "given":
            return history.first.map {
                localization.text("penalties_done_given", language, ["what": what($0), "name": name])
            }
        case "lifted":
            let holding = history.filter { $0.kind != .warn && $0.isActive(at: now) }
                .max { ($0.endsAt ?? .distantFuture) < ($1.endsAt ?? .distantFuture) }
            return localization.text(
                holding == nil ? "penalties_done_lifted" : "penalties_done_liftedStill", language,
                ["name": name, "what": holding.map(what) ?? ""])
        default:
            return nil
        }
    }

    /// A penalty in a sentence: its kind, and until when ("Silence until 8 Dec 2026 at 23:59").
    static func what(_ penalty: Penalty, localization: Localization, language: Language) -> String {
        let kind = localization.text("penalty_\(penalty.kind.rawValue)", language)
        guard let end = penalty.endsAt else { return kind }
        return localization.text(
            "penalties_whatUntil", language, ["kind": kind, "until": Localization.date(end, language)])
    }
}
