import HearthCore

/// Search snippets: the part of a post's text around the first matching word, escaped, with the words
/// that match the query (as prefixes, accent-insensitively, like the index) wrapped in `<mark>`.
public enum Highlighter {
    /// Words kept before the first match, for context.
    static let lead = 8
    /// How far into a post the first match is looked for, in bytes of text; past it the snippet is the post's start.
    static let searchedBytes = 20_000

    public static func snippet(_ markdown: String, terms: [String], length: Int = 240) -> String {
        func matches(_ word: String) -> Bool {
            SearchText.words(SearchText.fold(word)).contains { folded in terms.contains { folded.hasPrefix($0) } }
        }
        // The post is read only up to the first match and the words after it that fit: a snippet of a long post
        // used to read all of it.
        var words = MarkdownExcerpt.Words(markdown)
        var before: [String] = []
        var skipped = false
        var first: String?
        var read = 0
        while read < searchedBytes, let word = words.next() {
            if matches(word) {
                first = word
                break
            }
            read += word.utf8.count + 1
            before.append(word)
            if before.count > lead {
                before.removeFirst()
                skipped = true
            }
        }
        if first == nil {
            // No word matches (the title did): the post's first words.
            words = MarkdownExcerpt.Words(markdown)
            before = []
            skipped = false
        }
        var pending = before[...]
        var used = 0
        var out = skipped ? "… " : ""
        while let word = pending.popFirst() ?? first.take() ?? words.next() {
            guard used + word.count < length else { return out + "…" }
            if used > 0 { out += " " }
            out += matches(word) ? "<mark>" + word.htmlEscaped + "</mark>" : word.htmlEscaped
            used += word.count + 1
        }
        return out
    }
}
