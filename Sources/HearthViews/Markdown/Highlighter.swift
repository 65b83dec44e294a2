import HearthCore

/// Search snippets: the part of a post's text around the first matching word, escaped, with the words
/// that match the query (as prefixes, accent-insensitively, like the index) wrapped in `<mark>`.
public enum Highlighter {
    public static func snippet(_ markdown: String, terms: [String], length: Int = 240) -> String {
        let words = MarkdownExcerpt.make(markdown, maximumLength: 20_000).split(separator: " ")
        func matches(_ word: Substring) -> Bool {
            let folded = SearchText.document(String(word))
            return terms.contains { term in folded.split(separator: " ").contains { $0.hasPrefix(term) } }
        }
        let first = words.firstIndex(where: matches) ?? 0
        var start = max(0, first - 8)
        var used = 0
        var out = start > 0 ? "… " : ""
        while start < words.count, used + words[start].count < length {
            let word = String(words[start])
            out += matches(words[start]) ? "<mark>" + word.htmlEscaped + "</mark>" : word.htmlEscaped
            used += word.count + 1
            start += 1
            if start < words.count { out += " " }
        }
        if start < words.count { out += "…" }
        return out
    }
}
