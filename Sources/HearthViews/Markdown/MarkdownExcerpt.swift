/// Plain text from Markdown, for quotes, notifications, feeds and search snippets: markup dropped, code
/// blocks and quoted text left out, whitespace collapsed, cut at a word with "…".
enum MarkdownExcerpt {
    /// What keeps one list item from running into the next once the lines are joined.
    static let itemSeparator = "·"

    static func make(_ markdown: String, maximumLength: Int) -> String {
        var text = ""
        // Counted as it grows: `text.count` walks the whole string, and asking it at every word made a long post's
        // search snippet quadratic (47 % of a search page's CPU).
        var length = 0
        var words = Words(markdown)
        while let clean = words.next() {
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

    /// The words of the excerpt one at a time, read from the Markdown only as far as they are asked for: an
    /// excerpt of 200 characters or a snippet around the first match stops early in a long post (reading the whole
    /// of each post was most of a search page's CPU).
    struct Words: Sequence, IteratorProtocol {
        private var rest: Substring
        private var finished = false
        private var inFence = false
        private var line: [Substring] = []
        private var position = 0
        /// The last word read, as written: a list item after it starts a new phrase unless it ends one.
        private var lastRaw: Substring?

        init(_ markdown: String) {
            rest = markdown[...]
        }

        mutating func next() -> String? {
            while true {
                while position < line.count {
                    let word = line[position]
                    position += 1
                    lastRaw = word
                    let clean = MarkdownExcerpt.strip(word)
                    if !clean.isEmpty { return clean }
                }
                guard readLine() else { return nil }
            }
        }

        /// The next line's words into `line`; false at the end of the text.
        private mutating func readLine() -> Bool {
            guard !finished else { return false }
            let line: Substring
            if let end = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) {
                line = rest[..<end]
                rest = rest[rest.utf8.index(after: end)...]
            } else {
                line = rest
                finished = true
            }
            self.line = []
            position = 0
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                return true
            }
            if inFence || trimmed.hasPrefix(">") || line.hasPrefix("    ") { return true }
            let text = String(line)
            if BlockStart.isThematicBreak(text) { return true }
            // A list item starts a new piece of text: "flour sugar eggs" would read as one phrase.
            if ListMarker(text) != nil, let last = lastRaw?.last, !".:;!?…·".contains(last) {
                self.line.append(Substring(MarkdownExcerpt.itemSeparator))
            }
            self.line += MarkdownExcerpt.words(line)
            return true
        }
    }

    /// A line split on whitespace; an ASCII line on its bytes, without a Unicode property lookup per character.
    private static func words(_ line: Substring) -> [Substring] {
        guard line.utf8.allSatisfy({ $0 < 0x80 }) else { return line.split(whereSeparator: \.isWhitespace) }
        return line.utf8.split { $0 == 0x20 || (0x09...0x0D).contains($0) }.map { Substring($0) }
    }

    /// A word without emphasis markers, list bullets or link syntax (the label is kept). An underscore inside a
    /// word is part of it ("@camille_cm", "snake_case"), as SafeMarkdown reads it: only one at a word's edge is
    /// emphasis.
    static func strip(_ word: Substring) -> String {
        if word == "-" || word == "*" || word == "+" { return "" }
        // Most words hold none of the markup characters: nothing to take out.
        if !word.utf8.contains(where: { "*_`[]#!(".utf8.contains($0) }) { return String(word) }
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
