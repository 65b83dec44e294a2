/// Plain text from Markdown, for quotes, notifications, feeds and search snippets: markup dropped, code
/// blocks and quoted text left out, whitespace collapsed, cut at a word with "…".
enum MarkdownExcerpt {
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
            words += line.split(whereSeparator: \.isWhitespace)
        }
        var text = ""
        for word in words {
            let clean = strip(word)
            guard !clean.isEmpty else { continue }
            if text.count + clean.count + 1 > maximumLength {
                return text.isEmpty ? String(clean.prefix(max(1, maximumLength - 1))) + "…" : text + "…"
            }
            text += text.isEmpty ? clean : " " + clean
        }
        return text
    }

    /// A word without emphasis markers, list bullets or link syntax (the label is kept).
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
            if !"*_`[#".contains(character), !(character == "!" && word[word.index(after: index)...].hasPrefix("[")) {
                if character != "]" { out.append(character) }
            }
            index = word.index(after: index)
        }
        return out
    }
}
