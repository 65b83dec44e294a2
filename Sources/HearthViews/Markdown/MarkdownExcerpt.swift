/// Plain text from Markdown, for quotes, notifications, feeds and search snippets: markup dropped, code
/// blocks and quoted text left out, whitespace collapsed, cut at a word with "…".
enum MarkdownExcerpt {
    /// What keeps one list item from running into the next once the lines are joined.
    static let itemSeparator = "·"

    static func make(_ markdown: String, maximumLength: Int) -> String {
        var words: [Substring] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence || trimmed.hasPrefix(">") || line.hasPrefix("    ") { continue }
            if BlockStart.isThematicBreak(String(line)) { continue }
            let lineWords = line.split(whereSeparator: \.isWhitespace)
            // A list item starts a new piece of text: "flour sugar eggs" would read as one phrase.
            if ListMarker(String(line)) != nil, let last = words.last?.last, !".:;!?…·".contains(last) {
                words.append(Substring(itemSeparator))
            }
            words += lineWords
        }
        var text = ""
        // Counted as it grows: `text.count` walks the whole string, and asking it at every word made a long post's
        // search snippet quadratic (47 % of a search page's CPU).
        var length = 0
        for word in words {
            let clean = strip(word)
            guard !clean.isEmpty else { continue }
            let cleanLength = clean.count
            if length + cleanLength + 1 > maximumLength {
                return text.isEmpty ? String(clean.prefix(max(1, maximumLength - 1))) + "…" : text + "…"
            }
            if !text.isEmpty {
                text += " "
                length += 1
            }
            text += clean
            length += cleanLength
        }
        return text
    }

    /// A word without emphasis markers, list bullets or link syntax (the label is kept). An underscore inside a
    /// word is part of it ("@camille_cm", "snake_case"), as SafeMarkdown reads it: only one at a word's edge is
    /// emphasis.
    private static func strip(_ word: Substring) -> String {
        if word == "-" || word == "*" || word == "+" { return "" }
        var out = ""
        var index = word.startIndex
        while index < word.endIndex {
            let character = word[index]
            if character == "]", word[word.index(after: index)...].hasPrefix("(") {
                // Drop "(destination)" after a link label.
                if let close = word[index...].firstIndex(of: ")") {
                    index = word.index(after: close)
                    continue
                }
            }
            if character == "_", isIntraword(word, at: index) {
                out.append(character)
            } else if !"*_`[#".contains(character),
                !(character == "!" && word[word.index(after: index)...].hasPrefix("["))
            {
                if character != "]" { out.append(character) }
            }
            index = word.index(after: index)
        }
        return out
    }

    /// Whether the run of underscores holding `index` has a letter or digit on both sides.
    private static func isIntraword(_ word: Substring, at index: Substring.Index) -> Bool {
        var start = index
        while start > word.startIndex, word[word.index(before: start)] == "_" { start = word.index(before: start) }
        var end = index
        while end < word.endIndex, word[end] == "_" { end = word.index(after: end) }
        guard start > word.startIndex, end < word.endIndex else { return false }
        let before = word[word.index(before: start)]
        let after = word[end]
        return (before.isLetter || before.isNumber) && (after.isLetter || after.isNumber)
    }
}
