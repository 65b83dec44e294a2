import Foundation
import HearthCore

/// The interface's words in each language, read from `Strings/<code>.json` at start-up. Templates read
/// them as `{{t.key}}`; sentences with values in them are assembled here with `text(_:_:_:)`.
public struct Localization: Sendable {
    public let tables: [Language: [String: String]]
    /// The domain's messages (errors, refusals), which Core writes in English, in the other languages.
    let messages: [Language: MessageCatalog]

    public init(tables: [Language: [String: String]], messages: [Language: MessageCatalog] = [:]) {
        self.tables = tables
        self.messages = messages
    }

    public static func load() throws -> Localization {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            tables[language] = try bundledTable(
                language.rawValue, missing: "The \(language.rawValue) interface strings are missing from this build.")
        }
        let french = try bundledTable("messages-fr", missing: "The French messages are missing from this build.")
        return Localization(tables: tables, messages: [.french: MessageCatalog(french)])
    }

    /// A `Strings/<name>.json` table from the bundle; a missing or broken one is a packaging bug.
    private static func bundledTable(_ name: String, missing: String) throws -> [String: String] {
        guard
            let url = Bundle.module.url(forResource: "Strings/\(name)", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let table = try? JSONDecoder().decode([String: String].self, from: data)
        else {
            throw HearthError.unavailable(missing)
        }
        return table
    }

    /// A message from the domain (written in English) in the language, or as it is when no translation is known.
    public func message(_ english: String, _ language: Language) -> String {
        messages[language]?.translate(english) ?? english
    }

    public func table(_ language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    /// The string for `key`, with `{name}` placeholders replaced. A missing key shows itself, so a gap is
    /// visible on the page and caught by the template test, never an empty space.
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? tables[.english]?[key] ?? key
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// The language to speak to someone who has not chosen one, from their browser's `Accept-Language`
    /// (the highest-weighted of French and English), or nil when it names neither.
    public static func negotiate(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary), quality > 0 else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0
    }

    /// A date as people read it in the language ("24 Nov 2026 at 20:36" / "24 nov. 2026 à 20:36"), in UTC: what
    /// Foundation's abbreviated en_GB and fr_FR styles print (a test holds the two together), written by hand
    /// because a topic page shows twenty of them and the formatter was a tenth of the page's cost.
    public static func date(_ date: Date, _ language: Language) -> String {
        let time = CivilTime(date)
        let french = language == .french
        let month = (french ? frenchMonths : englishMonths)[time.month - 1]
        return
            "\(time.day) \(month) \(time.year) \(french ? "à" : "at") \(time.hour):\(CivilTime.twoDigits(time.minute))"
    }

    /// A day without its hour ("24 Nov 2026"), in `timeZone`.
    public static func day(_ date: Date, _ language: Language, in timeZone: TimeZone) -> String {
        let time = CivilTime(date.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: date))))
        let month = (language == .french ? frenchMonths : englishMonths)[time.month - 1]
        return "\(time.day) \(month) \(time.year)"
    }

    /// The same in `timeZone`, its name after: "24 Nov 2026 at 19:00 (Europe/Paris)", for the times the community
    /// keeps in its own zone (a role's hours, a report's deadline).
    public static func date(_ date: Date, _ language: Language, in timeZone: TimeZone) -> String {
        Self.date(date, language, unnamed: timeZone) + " (" + timeZone.identifier + ")"
    }

    /// The same without the zone's name, for a page that names it once.
    public static func date(_ date: Date, _ language: Language, unnamed timeZone: TimeZone) -> String {
        Self.date(date.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: date))), language)
    }

    private static let englishMonths = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let frenchMonths = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ]

    /// Whether `count` takes the singular: 1 in English; 0 and 1 in French ("0 réponse", "1 réponse").
    public static func isSingular(_ count: Int, _ language: Language) -> Bool {
        language == .french ? count <= 1 : count == 1
    }

    /// A length of time as people say it: "45 seconds", "10 minutes", "2 hours", "3 days" (or in French).
    public static func duration(_ seconds: Int, _ language: Language) -> String {
        let french = language == .french
        func say(_ number: Int, _ english: String, _ frenchWord: String) -> String {
            let word = french ? frenchWord : english
            return "\(number) \(word)\(number == 1 ? "" : "s")"
        }
        if seconds < 60 { return say(seconds, "second", "seconde") }
        if seconds < 2 * 3_600 { return say((seconds + 59) / 60, "minute", "minute") }
        if seconds < 2 * 86_400 { return say((seconds + 3_599) / 3_600, "hour", "heure") }
        return say((seconds + 86_399) / 86_400, "day", "jour")
    }

    /// A date for `<time datetime>` and feeds: ISO 8601 in UTC, to the second.
    public static func isoDate(_ date: Date) -> String {
        let time = CivilTime(date)
        let two = CivilTime.twoDigits
        let year = String(time.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year
            + "-\(two(time.month))-\(two(time.day))T\(two(time.hour)):\(two(time.minute)):\(two(time.second))Z"
    }
}

/// The calendar fields of an instant in UTC on the Gregorian calendar, from its start in October 1582 (before
/// that Foundation switches to the Julian calendar, and no forum post is that old). Days become a civil date
/// after Howard Hinnant's `civil_from_days`.
struct CivilTime {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let secondOfDay = Self.floorModulo(seconds, 86_400)
        let days = (seconds - secondOfDay) / 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        let shifted = days + 719_468  // days since 0000-03-01
        let era = (shifted - Self.floorModulo(shifted, 146_097)) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    private static func floorModulo(_ value: Int, _ divisor: Int) -> Int {
        ((value % divisor) + divisor) % divisor
    }
}
