import Foundation
import HearthCore
import SQLKit

/// The words of an entry that say where it is, who wrote it and when: `c12` (category), `a345` (author), `y2026`
/// and `m202611` (year and month, UTC). They live apart from the text (a column of their own on SQLite; on
/// PostgreSQL the year and month behind `#` in the document, the category and author in columns of their own), so
/// a post that says "c12" is not in category 12.
struct SearchScope: Sendable, Equatable {
    var categoryID: Int64
    var authorID: Int64
    /// Milliseconds since 1970.
    var createdAt: Int64

    var words: [String] {
        ["c\(categoryID)", "a\(authorID)"] + timeWords
    }

    /// The year and month words alone (PostgreSQL keeps the category and the author in columns).
    var timeWords: [String] {
        let (year, month) = Self.yearMonth(createdAt)
        return ["y\(year)", "m\(year * 100 + month)"]
    }

    /// The year and month of an instant, in UTC.
    static func yearMonth(_ milliseconds: Int64) -> (Int, Int) {
        let parts = utc.dateComponents([.year, .month], from: Date(millisecondsSince1970: milliseconds))
        return (parts.year ?? 1970, parts.month ?? 1)
    }

    /// The year and month words that cover [from, to): whole years inside it, and the months at either end.
    static func dateWords(from: Int64?, to: Int64?) -> [String] {
        let (firstYear, firstMonth) = yearMonth(from ?? 0)
        let (lastYear, lastMonth) = yearMonth(max((to ?? 4_102_444_800_000) - 1, from ?? 0))
        var words: [String] = []
        for year in firstYear...lastYear {
            let start = year == firstYear ? firstMonth : 1
            let end = year == lastYear ? lastMonth : 12
            if start == 1, end == 12 {
                words.append("y\(year)")
            } else {
                words += (start...end).map { "m\(year * 100 + $0)" }
            }
        }
        return words
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}

/// A query as both engines match it: each term in the title or body, and the filters as scope words.
///
/// A term of up to three letters matches every word it starts ("bi" finds "bicycle"), through the index's prefix
/// entries. A longer term matches itself and its common English and French endings ("export" finds "exports",
/// "exported", "exporting", "exporter", "exportee"): a prefix without an index entry of its own made SQLite gather
/// every word it starts before the first result (0.47 s for "question" at 10^6 posts), whatever the LIMIT.
struct SearchMatch: Sendable, Equatable {
    /// How many of the newest matching posts are ranked: the first 50 pages of 20.
    static let window = SearchQuery.rankedWindow
    static let endings = ["s", "es", "e", "ee", "ees", "ed", "d", "ing", "er", "ers", "ent", "ion", "ions", "ly"]

    var terms: [[String]]
    var categoryID: Int64?
    var authorID: Int64?
    var anyOf: [String] = []
    var excludedCategoryIDs: [Int64] = []

    /// The scope words no match holds: the excluded categories'.
    var noneOf: [String] { excludedCategoryIDs.map { "c\($0)" } }

    /// The scope words every match holds: its category's and its author's.
    var allOf: [String] {
        (categoryID.map { ["c\($0)"] } ?? []) + (authorID.map { ["a\($0)"] } ?? [])
    }

    init(_ query: SearchQuery, authorID: Int64?) {
        terms = query.terms.map { term in
            term.count <= 3 ? [term] : [term] + Self.endings.map { term + $0 } + Self.stemmed(term)
        }
        categoryID = query.categoryID?.rawValue
        self.authorID = authorID
        if query.from != nil || query.to != nil {
            anyOf = SearchScope.dateWords(
                from: query.from?.millisecondsSince1970, to: query.to?.millisecondsSince1970)
        }
        excludedCategoryIDs = query.excludedCategories.map(\.rawValue)
    }

    /// Whether a term is matched as the start of words (short terms) rather than with its endings.
    static func isPrefix(_ words: [String]) -> Bool { words.count == 1 }

    /// Endings that replace a final letter: "share" → "sharing", "reply" → "replies".
    private static func stemmed(_ term: String) -> [String] {
        if term.hasSuffix("e") { return [String(term.dropLast()) + "ing"] }
        if term.hasSuffix("y") { return [String(term.dropLast()) + "ies", String(term.dropLast()) + "ied"] }
        return []
    }

    /// The FTS5 query: `{title body} : (…) AND …`, scope words in the `scope` column.
    var fts5: String {
        func quoted(_ word: String) -> String { "\"\(word.replacingOccurrences(of: "\"", with: "\"\""))\"" }
        var parts = terms.map { words in
            Self.isPrefix(words)
                ? "{title body} : \(quoted(words[0]))*"
                : "{title body} : (" + words.map(quoted).joined(separator: " OR ") + ")"
        }
        parts += allOf.map { "scope : \(quoted($0))" }
        if !anyOf.isEmpty { parts.append("scope : (" + anyOf.map(quoted).joined(separator: " OR ") + ")") }
        var match = parts.joined(separator: " AND ")
        if !noneOf.isEmpty { match = "(\(match)) NOT scope : (" + noneOf.map(quoted).joined(separator: " OR ") + ")" }
        return match
    }

    /// The PostgreSQL query: the text terms through `to_tsquery('simple', …)` (as the documents went through
    /// `to_tsvector`); the dates' scope words as a `tsquery` literal, behind `#`. The categories and the author are
    /// columns of `search_posts` instead (see `TSVectorSearchIndex`). No term carries a weight: text words are
    /// letters and digits and scope words start with `#`, so neither can match the other, and a weighted term makes
    /// the GIN index send every match back to be checked against its document (each one read and decompressed:
    /// 110 ms for "the" by the busiest author at 10^5 posts).
    var tsquery: SQLQueryString {
        // Terms are letters and digits only (SearchText), scope words too: neither can carry tsquery operators.
        let text = terms.map { words in
            Self.isPrefix(words) ? "\(words[0]):*" : "(" + words.joined(separator: " | ") + ")"
        }.joined(separator: " & ")
        // A word the parser splits ("x²y") becomes a phrase, which a document without places cannot match: its
        // parts are asked for together instead (`<->` becomes `&`; lexemes are letters and digits, never `<->`).
        let query: SQLQueryString = "replace(to_tsquery('simple', \(bind: text))::text, '<->', '&')::tsquery"
        guard !anyOf.isEmpty else { return query }
        return "(" + query + " && \(bind: "(" + anyOf.map { "'#\($0)'" }.joined(separator: " | ") + ")")::tsquery)"
    }
}

/// Conditions both engines check on each candidate: visible posts in visible topics, and what scope words only
/// approach (a date range's exact ends). Assumes posts `p` and topics `t` are joined.
func searchFilters(_ query: SearchQuery) -> SQLQueryString {
    var filters: SQLQueryString = " AND " + PublicPosts.condition
    if let category = query.categoryID { filters = filters + " AND t.category_id = \(bind: category.rawValue)" }
    if !query.excludedCategories.isEmpty {
        let ids = query.excludedCategories.map { String($0.rawValue) }.joined(separator: ",")
        filters = filters + " AND t.category_id NOT IN (\(unsafeRaw: ids))"
    }
    if let from = query.from { filters = filters + " AND p.created_at >= \(bind: from.millisecondsSince1970)" }
    if let to = query.to { filters = filters + " AND p.created_at < \(bind: to.millisecondsSince1970)" }
    return filters
}
