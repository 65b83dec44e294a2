import Foundation
import HearthCore

/// The topic page's timer form, for those who may close the topic: close it for some hours, reopen it at a time
/// (a closed topic), or close it once quiet (an open one); and cancel the timer it has. Plain HTML, no script.
public struct TopicTimerForm: Sendable {
    /// What a moderator sent, given back with the error when it was refused: nothing typed is lost.
    public struct Draft: Sendable, Equatable {
        public var action: String
        public var hours: String
        public var at: String
        public var days: String

        public init(action: String, hours: String, at: String, days: String) {
            self.action = action
            self.hours = hours
            self.at = at
            self.days = days
        }
    }

    public let timerAction: String
    /// The topic has a timer, which the form offers to cancel.
    public let timerSet: Bool
    /// Opened after a refusal, so the values are in view.
    public let timerOpen: Bool
    public let offerOpenAt: Bool
    public let offerCloseAfterQuiet: Bool
    public let closeForChosen: Bool
    public let openAtChosen: Bool
    public let closeAfterQuietChosen: Bool
    public let timerHours: String
    /// `YYYY-MM-DDTHH:MM`, in UTC, as `<input type="datetime-local">` reads it.
    public let timerAt: String
    public let timerDays: String

    public init(topic: Topic, draft: Draft?) {
        timerAction = "/t/\(topic.id.rawValue)/timer"
        timerSet = topic.timer != nil
        timerOpen = draft != nil
        offerOpenAt = topic.isClosed
        offerCloseAfterQuiet = !topic.isClosed
        let chosen =
            draft?.action ?? topic.timer?.action.rawValue
            ?? (topic.isClosed ? TopicTimer.Action.openAt : .closeFor).rawValue
        openAtChosen = chosen == TopicTimer.Action.openAt.rawValue && offerOpenAt
        closeAfterQuietChosen = chosen == TopicTimer.Action.closeAfterQuiet.rawValue && offerCloseAfterQuiet
        closeForChosen = !openAtChosen && !closeAfterQuietChosen
        // A field the draft left empty shows what it would have shown before.
        func sent(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
        timerHours = sent(draft?.hours) ?? "24"
        timerAt = sent(draft?.at) ?? topic.timer.map { String(Localization.isoDate($0.at).prefix(16)) } ?? ""
        timerDays = sent(draft?.days) ?? topic.timer?.quietDays.map(String.init) ?? "7"
    }

    /// What everyone reads about the timer while it has something to do: "This topic reopens on 3 Dec 2026 at
    /// 09:00." or "This topic closes after 3 days without replies." Staff (`always`) read it also when a hand
    /// closed or opened the topic since, so that they know what the cancel button cancels.
    public static func note(_ topic: Topic, always: Bool, localization: Localization, language: Language) -> String? {
        guard let timer = topic.timer, always || timer.isLive(closed: topic.isClosed) else { return nil }
        switch timer.action {
        case .closeFor, .openAt:
            return localization.text("timer_reopensOn", language, ["date": Localization.date(timer.at, language)])
        case .closeAfterQuiet:
            return localization.text(
                "timer_closesAfterQuiet", language,
                ["days": Localization.duration((timer.quietDays ?? 0) * 86_400, language)])
        }
    }
}
