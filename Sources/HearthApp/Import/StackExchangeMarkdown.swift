import Foundation

/// Stack Exchange's Markdown turned into Hearth's, once, when a post is imported: what members then read and edit
/// is plain Markdown, and pages render no faster or slower for having come from a dump.
///
/// - Reference links (`[text][1]`, `[text][]`, `[text]`, with `[1]: http://…` definitions, usually at the end)
///   become inline links, and the definition lines go. Labels match whatever their case and spacing.
/// - `[tag:foo]` and `[meta-tag:foo]` become a link to the questions tagged `foo` on the source site (the import
///   keeps no tags, so a search here would not find what the tag listed), its name shown as code, as a tag looks.
/// - Code (fenced or indented blocks, and code spans) is left exactly as written.
///
/// Horizontal rules need nothing: SafeMarkdown draws `---`, `***` and `___` lines as rules.
enum StackExchangeMarkdown {
    static func convert(_ markdown: String, site: String) -> String {
        let lines = withoutCarriageReturns(markdown).lines.map(String.init)
        let kinds = classify(lines)
        var definitions: [String: String] = [:]
        var kept: [(String, LineKind)] = []
        for (line, kind) in zip(lines, kinds) {
            if kind == .text, case let (label, destination)? = definition(line) {
                // The first definition of a label wins, as in Markdown.
                if definitions[label] == nil { definitions[label] = destination }
                continue
            }
            kept.append((line, kind))
        }
        var out = kept.map { line, kind in
            kind == .code ? line : rewriteInline(line, definitions: definitions, site: site)
        }
        while out.last?.allSatisfy(\.isWhitespace) == true { out.removeLast() }
        return out.joined(separator: "\n")
    }

    /// The text with each "\r\n" written "\n" (PostHistory's Markdown has Windows line breaks), on its UTF-8:
    /// Foundation's `replacingOccurrences` went through NSString and was a tenth of the import's time.
    static func withoutCarriageReturns(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte == 0x0A, bytes.last == 0x0D { bytes.removeLast() }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum LineKind { case text, code }

    /// Which lines are code: inside a fence, or indented four columns after a blank line or other code, outside
    /// a list (where such indentation continues an item).
    static func classify(_ lines: [String]) -> [LineKind] {
        var kinds: [LineKind] = []
        var fence: (character: Character, length: Int)?
        var previousBlank = true
        var previousCode = false
        var inList = false
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            let indent = line.indentationWidth
            let blank = line.allSatisfy(\.isWhitespace)
            if let open = fence {
                kinds.append(.code)
                let run = trimmed.prefix { $0 == open.character }
                if indent < 4, run.count >= open.length, trimmed.dropFirst(run.count).allSatisfy(\.isWhitespace) {
                    fence = nil
                }
                previousCode = false
                previousBlank = false
                continue
            }
            if indent < 4, let first = trimmed.first, first == "`" || first == "~" {
                let run = trimmed.prefix { $0 == first }
                if run.count >= 3 {
                    fence = (first, run.count)
                    kinds.append(.code)
                    previousBlank = false
                    continue
                }
            }
            if !blank, indent >= 4, (previousBlank || previousCode), !inList {
                kinds.append(.code)
                previousCode = true
                previousBlank = false
                continue
            }
            if !blank {
                if isListItem(trimmed), indent < 4 {
                    inList = true
                } else if indent == 0 {
                    inList = false
                }
            }
            kinds.append(.text)
            previousCode = false
            previousBlank = blank
        }
        return kinds
    }

    private static func isListItem(_ text: Substring) -> Bool {
        if let first = text.first, "-*+".contains(first) {
            return text.dropFirst().first == " "
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        let rest = text.dropFirst(digits.count)
        return (rest.first == "." || rest.first == ")") && rest.dropFirst().first == " "
    }

    /// `   [label]: destination "optional title"`, as (normalised label, destination).
    static func definition(_ line: String) -> (String, String)? {
        guard line.indentationWidth < 4 else { return nil }
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == "[", let close = trimmed.firstIndex(of: "]") else { return nil }
        let label = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        let afterLabel = trimmed[trimmed.index(after: close)...]
        guard afterLabel.first == ":", !label.isEmpty, !label.contains("[") else { return nil }
        let rest = afterLabel.dropFirst().drop { $0 == " " || $0 == "\t" }
        let token = rest.prefix { $0 != " " && $0 != "\t" }
        let destination = token.hasPrefix("<") && token.hasSuffix(">") ? token.dropFirst().dropLast() : token
        guard !destination.isEmpty else { return nil }
        let title = rest.dropFirst(token.count).drop { $0 == " " || $0 == "\t" }
        if let opening = title.first {
            // Only a title may follow: "…", '…' or (…).
            let closing: Character = opening == "(" ? ")" : opening
            guard "\"'(".contains(opening), title.trimmingCharacters(in: .whitespaces).last == closing else {
                return nil
            }
        }
        return (normalise(label), String(destination))
    }

    /// Labels match ignoring case and runs of spaces.
    static func normalise<S: StringProtocol>(_ label: S) -> String {
        label.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// One line of text with its reference links, shortcut references and tags rewritten; code spans untouched.
    static func rewriteInline(_ line: String, definitions: [String: String], site: String) -> String {
        // Only brackets are rewritten: a line without one is kept as it is, without splitting it into characters.
        guard line.utf8.contains(UInt8(ascii: "[")) else { return line }
        let characters = Array(line)
        var out = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count {
                out.append(character)
                out.append(characters[index + 1])
                index += 2
                continue
            }
            if character == "`" {
                // A code span runs to the next run of as many backticks; without one, the backticks are text.
                let run = characters[index...].prefix { $0 == "`" }.count
                if let end = closingBackticks(characters, from: index + run, count: run) {
                    out += String(characters[index..<(end + run)])
                    index = end + run
                } else {
                    out += String(repeating: "`", count: run)
                    index += run
                }
                continue
            }
            // An image's `![alt][1]` is rewritten the same way: the "!" is already written.
            guard character == "[", let close = closingBracket(characters, from: index + 1)
            else {
                out.append(character)
                index += 1
                continue
            }
            let text = String(characters[(index + 1)..<close])
            if case let (tag, meta)? = tagName(text) {
                out += "[`\(tag)`](\(tagURL(tag, site: meta ? metaSite(of: site) : site)))"
                index = close + 1
                continue
            }
            var next = close + 1 < characters.count ? characters[close + 1] : nil
            var labelStart = close + 2
            if next == " ", close + 2 < characters.count, characters[close + 2] == "[" {
                // "[text] [1]": older Markdown allowed a space between the two.
                next = "["
                labelStart = close + 3
            }
            if next == "(" {
                // An inline link: copied as it is, label and destination.
                out += String(characters[index...close])
                index = close + 1
                continue
            }
            if next == "[", labelStart <= characters.count,
                let labelEnd = characters[labelStart...].firstIndex(of: "]")
            {
                let label = String(characters[labelStart..<labelEnd])
                if let destination = definitions[normalise(label.isEmpty ? text : label)] {
                    out += "[\(rewriteInline(text, definitions: definitions, site: site))](\(destination))"
                    index = labelEnd + 1
                    continue
                }
            } else if let destination = definitions[normalise(text)] {
                out += "[\(rewriteInline(text, definitions: definitions, site: site))](\(destination))"
                index = close + 1
                continue
            }
            out.append(character)
            index += 1
        }
        return out
    }

    /// The `]` that closes the bracket opened before `start`, allowing nested pairs; nil when there is none.
    private static func closingBracket(_ characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < characters.count {
            switch characters[index] {
            case "\\": index += 1
            case "[": depth += 1
            case "]":
                if depth == 0 { return index }
                depth -= 1
            default: break
            }
            index += 1
        }
        return nil
    }

    private static func closingBackticks(_ characters: [Character], from start: Int, count: Int) -> Int? {
        var index = start
        while index < characters.count {
            if characters[index] == "`" {
                let run = characters[index...].prefix { $0 == "`" }.count
                if run == count { return index }
                index += run
            } else {
                index += 1
            }
        }
        return nil
    }

    /// "tag:foo" → ("foo", false), "meta-tag:foo" → ("foo", true), when foo is a tag name (letters, digits and
    /// `+ # . - _`).
    static func tagName(_ text: String) -> (String, meta: Bool)? {
        let name: Substring
        let meta: Bool
        if text.hasPrefix("tag:") {
            name = text.dropFirst(4)
            meta = false
        } else if text.hasPrefix("meta-tag:") {
            name = text.dropFirst(9)
            meta = true
        } else {
            return nil
        }
        guard !name.isEmpty, name.count <= 35, name.allSatisfy({ $0.isLetter || $0.isNumber || "+#.-_".contains($0) })
        else { return nil }
        return (String(name), meta)
    }

    /// The site's meta: "french.stackexchange.com" → "french.meta.stackexchange.com", "stackoverflow.com" →
    /// "meta.stackoverflow.com"; a meta site is its own.
    static func metaSite(of site: String) -> String {
        if site.hasPrefix("meta.") || site.contains(".meta.") { return site }
        if site.hasSuffix(".stackexchange.com") {
            return String(site.dropLast(".stackexchange.com".count)) + ".meta.stackexchange.com"
        }
        return "meta." + site
    }

    /// The questions tagged `tag` on the site the post came from.
    static func tagURL(_ tag: String, site: String) -> String {
        // ASCII only: `CharacterSet.alphanumerics` would let "ç" through unencoded.
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let encoded = tag.addingPercentEncoding(withAllowedCharacters: allowed) ?? tag
        return "https://\(site)/questions/tagged/\(encoded)"
    }
}
