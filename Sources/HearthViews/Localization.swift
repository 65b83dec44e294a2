import Foundation
import HearthCore

/// The interface's words in each language, read from `Strings/<code>.json` at start-up. Templates read
/// them as `{{t.key}}`; sentences with values in them are assembled here with `text(_:_:_:)`.
public struct Localization: Sendable {
    public let tables: [Language: [String: String]]

    public static func load() throws -> Localization {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard
                let url = Bundle.module.url(forResource: "Strings/\(language.rawValue)", withExtension: "json"),
                let data = try? Data(contentsOf: url),
                let table = try? JSONDecoder().decode([String: String].self, from: data)
            else {
                throw HearthError.unavailable("The \(language.rawValue) interface strings are missing from this build.")
            }
            tables[language] = table
        }
        return Localization(tables: tables)
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

    /// A date as people read it in the language ("24 Nov 2026, 20:36" / "24 nov. 2026, 20:36"), in UTC.
    public static func date(_ date: Date, _ language: Language) -> String {
        date.formatted(language == .french ? frenchDates : englishDates)
    }

    /// Built once: every post on every page shows a date.
    private static let englishDates = dateStyle("en_GB")
    private static let frenchDates = dateStyle("fr_FR")

    private static func dateStyle(_ locale: String) -> Date.FormatStyle {
        var style = Date.FormatStyle(
            date: .abbreviated, time: .shortened, locale: Locale(identifier: locale),
            timeZone: TimeZone(identifier: "UTC")!)
        style.calendar = Calendar(identifier: .gregorian)
        return style
    }

    /// A date for `<time datetime>` and feeds: ISO 8601 in UTC.
    public static func isoDate(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
