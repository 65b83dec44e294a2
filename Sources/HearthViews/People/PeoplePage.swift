import Foundation
import HearthCore

/// `/people`: one segment's members, each with why they are in it, and the equity of attention drawn as bars with
/// the numbers beside them.
public struct PeoplePage: Sendable {
    public static let template = "people"

    public struct Tab: Sendable {
        public let href: String
        public let label: String
        public let current: Bool
    }

    public struct Row: Sendable {
        public let displayName: String
        public let handle: String
        public let trust: String
        public let level: String
        public let reasons: [String]
        /// "Offer a role", for power users.
        public let offerRole: Bool
        /// The topic the gesture is about (their first, or their unanswered question).
        public let topicHref: String?
    }

    public let page: PageChrome
    public let tabs: [Tab]
    public let heading: String
    public let about: String
    public let gesture: String
    public let rows: [Row]
    public let hasRows: Bool
    public let nextHref: String?
    /// "As of …", or nil before the first pass.
    public let computed: String?
    public let equity: EquityChart?

    /// `canOfferRole`: the viewer may make and give roles, so power users get an "Offer a role" link.
    public init(
        page: PageChrome, people: HearthCore.PeoplePage, equity: (AttentionEquity, Date)?, canOfferRole: Bool = false,
        words: PeopleWords
    ) {
        self.page = page
        let segment = people.segment
        tabs = PeopleSegment.allCases.map {
            Tab(href: "/people?segment=\($0.rawValue)", label: words.segment($0), current: $0 == segment)
        }
        heading = words.segment(segment)
        about = words.text("people_about_\(segment.rawValue)")
        gesture = words.gesture(segment.gesture)
        rows = people.entries.map { entry in
            Row(
                displayName: entry.member.displayName, handle: entry.member.handle, trust: words.trust(entry.trust),
                level: words.level(entry.level), reasons: entry.reasons.map(words.reason),
                offerRole: canOfferRole && segment == .power,
                topicHref: entry.topicID.map { "/t/\($0.rawValue)" })
        }
        hasRows = !rows.isEmpty
        nextHref = people.next.map { "/people?segment=\(segment.rawValue)&cursor=\($0.text)" }
        computed = people.computedAt.map { words.text("people_computed", ["date": words.date($0)]) }
        self.equity = equity.map { EquityChart($0.0, words: words) }
    }
}

/// The equity of attention as bars: each bar's length against the longest of its chart, its number beside it.
public struct EquityChart: Sendable {
    public struct Bar: Sendable {
        public let label: String
        public let value: String
        /// 0 … 100, the bar's length in the chart's SVG.
        public let length: Int
    }

    public let firstReply: [Bar]
    public let answered: [Bar]
    public let spread: [Bar]
    public let spreadSummary: String
    public let window: String

    init(_ equity: AttentionEquity, words: PeopleWords) {
        func bars(_ values: [(String, Double?, String)]) -> [Bar] {
            let top = values.compactMap(\.1).max() ?? 0
            return values.map { label, value, text in
                Bar(
                    label: label, value: text,
                    length: top > 0 ? Int(((value ?? 0) / top * 100).rounded()) : 0)
            }
        }
        func wait(_ seconds: Int?) -> String { seconds.map(words.duration) ?? words.text("people_noReply") }
        let (newcomers, regulars) = (equity.newcomers, equity.regulars)
        firstReply = bars([
            (
                words.text("people_newcomersP50"), newcomers.firstReplyP50.map(Double.init),
                wait(newcomers.firstReplyP50)
            ),
            (words.text("people_regularsP50"), regulars.firstReplyP50.map(Double.init), wait(regulars.firstReplyP50)),
            (
                words.text("people_newcomersP90"), newcomers.firstReplyP90.map(Double.init),
                wait(newcomers.firstReplyP90)
            ),
            (words.text("people_regularsP90"), regulars.firstReplyP90.map(Double.init), wait(regulars.firstReplyP90)),
        ])
        func share(_ group: GroupAttention) -> String {
            guard let value = group.answeredShare else { return words.text("people_noQuestions") }
            return words.text(
                "people_answeredOf",
                [
                    "percent": String(Int((value * 100).rounded())), "answered": String(group.questionsAnswered),
                    "questions": String(group.questions),
                ])
        }
        // Shares are drawn against 100 %, not against the larger one.
        answered = [(words.text("people_newcomers"), newcomers), (words.text("people_regulars"), regulars)].map {
            label, group in
            Bar(label: label, value: share(group), length: Int(((group.answeredShare ?? 0) * 100).rounded()))
        }
        spread = bars(
            equity.mostAttended.map {
                ("@" + $0.handle, Double($0.replies), words.text("people_replies", ["n": String($0.replies)]))
            })
        spreadSummary =
            equity.staffReplies == 0
            ? words.text("people_spreadNone")
            : words.text(
                "people_spread",
                [
                    "replies": String(equity.staffReplies), "members": String(equity.membersReached),
                    "percent": String(Int(((equity.topFifthShare ?? 0) * 100).rounded())),
                ])
        window = words.text("people_window", ["days": String(equity.days)])
    }
}

/// The words of `/people` and of a member's standing, in one language.
public struct PeopleWords: Sendable {
    let localization: Localization
    let language: Language
    let timeZone: TimeZone

    public init(localization: Localization, language: Language, timeZone: TimeZone) {
        self.localization = localization
        self.language = language
        self.timeZone = timeZone
    }

    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        localization.text(key, language, values)
    }

    func date(_ date: Date) -> String { Localization.date(date, language, in: timeZone) }
    /// A date in the community's time zone, without naming it (the page's "as of" names it once).
    func day(_ date: Date) -> String { Localization.date(date, language, unnamed: timeZone) }
    func duration(_ seconds: Int) -> String { Localization.duration(seconds, language) }
    /// A score with one decimal, with a decimal comma in French.
    func number(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return language == .french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    public func segment(_ segment: PeopleSegment) -> String { text("people_segment_\(segment.rawValue)") }
    public func gesture(_ gesture: Gesture) -> String { text("people_gesture_\(gesture.rawValue)") }
    public func trust(_ level: TrustLevel) -> String { text("trust_\(level.rawValue)") }

    public func level(_ level: EngagementLevel) -> String {
        text("people_level", ["n": String(level.rawValue), "name": text("level_\(level.rawValue)")])
    }

    public func move(_ move: LevelMove) -> String { text("people_move_\(move.rawValue)") }

    /// Why a member is in a segment, in words.
    public func reason(_ reason: PersonReason) -> String {
        let key = "people_reason_" + reason.code
        switch reason {
        case .repliesToOthers(let n), .thanksReceived(let n), .reactionsReceived(let n), .unansweredQuestions(let n),
            .flaggedRightly(let n):
            return text(key, ["n": String(n)])
        case .joined(let date):
            return text(key, ["date": day(date)])
        case .firstPostAnswered(let seconds):
            return text(key, ["duration": duration(seconds)])
        case .firstPostUnanswered, .noPostYet:
            return text(key)
        case .readsWithoutPosting(let days, let read):
            return text(key, ["days": String(days), "read": String(read)])
        case .postedOnce(let date, let answered):
            return text(answered ? key : key + "Unanswered", ["date": day(date)])
        case .silentSince(let date, let posts):
            return text(key, ["date": day(date), "n": String(posts)])
        case .penalty(let kind, let until):
            return text(
                until == nil ? key : key + "Until",
                ["kind": text("people_penalty_\(kind.rawValue)"), "date": until.map(day) ?? ""])
        }
    }
}

/// A member's standing on their profile, for staff: trust level (with the community manager's lock) and engagement
/// week by week.
public struct StandingView: Sendable {
    public let trust: String
    public let level: String?
    public let history: [String]
    public let hasHistory: Bool
    /// Where the community manager sets the level; nil for anyone else.
    public let trustAction: String?
    public let trustOptions: [FormOption]

    public init(_ standing: MemberStanding, handle: String, canSetTrust: Bool, words: PeopleWords) {
        trust = words.trust(standing.trust) + (standing.trustLocked ? " " + words.text("standing_locked") : "")
        level = standing.level.map { level in
            words.level(level) + (standing.move.map { ", " + words.move($0) } ?? "")
        }
        history = standing.history.map {
            words.text(
                "standing_week",
                ["week": $0.week.description, "level": words.level($0.level), "score": words.number($0.score)])
        }
        hasHistory = history.count > 1
        trustAction = canSetTrust ? "/u/\(handle)/trust" : nil
        trustOptions =
            [FormOption(value: "", label: words.text("standing_auto"), selected: !standing.trustLocked)]
            + TrustLevel.allCases.map {
                FormOption(
                    value: $0.rawValue, label: words.trust($0), selected: standing.trustLocked && $0 == standing.trust)
            }
    }
}
