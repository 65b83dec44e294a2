import Foundation
import HearthCore

extension AppConfig {
    static let letterKeys: [Key] = [
        Key(
            name: "hearth.letter.day", defaultValue: "mon",
            help: "The day the weekly letter about last week is drafted (mon to sun, in the community's time zone)."),
        Key(name: "hearth.letter.hour", defaultValue: "9", help: "The hour it is drafted (0 to 23)."),
        Key(
            name: "hearth.letter.mode", defaultValue: "review",
            help:
                "review: the letter waits for the community manager to send it; automatic: it leaves by itself unless someone opened it first."
        ),
        Key(
            name: "hearth.letter.send.after.hours", defaultValue: "24",
            help: "In automatic mode, hours after drafting when a letter nobody opened leaves (1 to 168)."),
        Key(
            name: "hearth.letter.recipients", defaultValue: "",
            help:
                "E-mail addresses the letter goes to, comma-separated, each optionally in French with fr: (fr:lea@example.org); colleagues with the team role are added."
        ),
        Key(
            name: "hearth.letter.images", defaultValue: "inline",
            help: "inline: the week's images travel in the mail; linked: the mail links them on the community."),
    ]

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Reads the letter's settings, adding what is wrong to `problems`.
    static func letterSchedule(
        _ value: (String) -> (Key, String?), problem: (Key, String) -> Void,
        integer: (String, ClosedRange<Int>) -> Int
    ) -> LetterSchedule {
        var schedule = LetterSchedule()
        let (dayKey, day) = value("hearth.letter.day")
        if let index = weekdays.firstIndex(of: (day ?? "mon").lowercased()) {
            schedule.weekday = index + 1
        } else {
            problem(dayKey, "expected mon, tue, wed, thu, fri, sat or sun, got \"\(day ?? "")\".")
        }
        schedule.hour = integer("hearth.letter.hour", 0...23)
        let (modeKey, mode) = value("hearth.letter.mode")
        if let found = LetterSchedule.Mode(rawValue: mode ?? "review") {
            schedule.mode = found
        } else {
            problem(modeKey, "expected review or automatic, got \"\(mode ?? "")\".")
        }
        schedule.sendAfterHours = integer("hearth.letter.send.after.hours", 1...168)
        if schedule.mode == .automatic, !schedule.sendsInTime {
            problem(
                value("hearth.letter.send.after.hours").0,
                "a draft nobody opened would leave after the next week's letter is drafted: choose fewer hours, or an earlier day."
            )
        }
        let (imagesKey, images) = value("hearth.letter.images")
        switch images ?? "inline" {
        case "inline": schedule.inlineImages = true
        case "linked": schedule.inlineImages = false
        default: problem(imagesKey, "expected inline or linked, got \"\(images ?? "")\".")
        }
        let (recipientsKey, recipients) = value("hearth.letter.recipients")
        for entry in (recipients ?? "").split(separator: ",") {
            var address = entry.trimmingCharacters(in: .whitespaces)
            var language = Language.english
            if let colon = address.firstIndex(of: ":"), let found = Language(rawValue: String(address[..<colon])) {
                language = found
                address = String(address[address.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            if AccountForm.emailProblem(address.lowercased()) != nil {
                problem(recipientsKey, "\"\(entry.trimmingCharacters(in: .whitespaces))\" is not an e-mail address.")
            } else {
                schedule.recipients.append(LetterRecipient(address: address, language: language))
            }
        }
        return schedule
    }
}
