import Foundation
import HearthCore

/// Markdown for everything members write, made safe by construction: the text is escaped as it is read,
/// and only a short list of constructs can produce tags — paragraphs and line breaks, emphasis and strong,
/// inline code and code blocks, block quotes, lists, horizontal rules, links (http, https and mailto only, marked
/// `rel="nofollow ugc noopener"`), images (our uploads or https), and mentions of real members. Every tag
/// it opens it closes, so the output is balanced whatever the input. No raw HTML passes through: a member
/// typing `<b>` sees `<b>`.
public struct SafeMarkdown: PostCooker {
    /// Where our own uploads are served; images may come from there or from any https address.
    public let uploadPrefix: String
    /// How deeply block quotes and lists may nest before the rest is shown as text.
    static let maximumDepth = 8

    public init(uploadPrefix: String = "/uploads/") {
        self.uploadPrefix = uploadPrefix
    }

    public func cook(_ markdown: String, mentions: Set<String>) -> String {
        let text = markdown.unixLineBreaks
        return Self.plainParagraphs(text) ?? cookMarkdown(text, mentions: mentions)
    }

    /// The full renderer, for text that may hold Markdown.
    func cookMarkdown(_ text: String, mentions: Set<String>) -> String {
        let lines = text.lines.map(String.init)
        var out = ""
        renderBlocks(lines[...], depth: 0, mentions: mentions, into: &out)
        return out
    }

    /// Most replies are a few sentences of plain text. When no line can start a block (each begins with an ASCII
    /// letter) and no character can start markup (no backslash, backtick, `*`, `_`, `[` or `@`, and no `://`), the
    /// HTML is the paragraphs, escaped, with line breaks: what the full renderer writes, worked out on the UTF-8
    /// without splitting the text into lines or scanning it for syntax. Nil when the text needs the full renderer,
    /// or when a line's end is not plain ASCII (the renderer trims trailing whitespace by character, which bytes
    /// cannot settle). Tested against the full renderer on random text.
    static func plainParagraphs(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            var inParagraph = false
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var last = end
                while last > start && isASCIIWhitespace(bytes[last - 1]) { last -= 1 }
                if last == start {
                    if inParagraph { out.append(contentsOf: "</p>\n".utf8) }
                    inParagraph = false
                } else {
                    guard isASCIILetter(bytes[start]), bytes[last - 1] < 0x80 else { return nil }
                    out.append(contentsOf: (inParagraph ? "<br>\n" : "<p>").utf8)
                    inParagraph = true
                    for index in start..<last {
                        let byte = bytes[index]
                        switch byte {
                        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"),
                            UInt8(ascii: "["),
                            UInt8(ascii: "@"):
                            return nil
                        case UInt8(ascii: ":")
                        where index + 2 < last && bytes[index + 1] == 0x2F && bytes[index + 2] == 0x2F:
                            return nil
                        case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                        case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                        case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                        case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
                        case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
                        case 0: out.append(contentsOf: "\u{FFFD}".utf8)
                        default: out.append(byte)
                        }
                    }
                }
                start = end + 1
            }
            if inParagraph { out.append(contentsOf: "</p>\n".utf8) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// Renders without turning any mention into a link (bios, article bodies, previews).
    public func render(_ markdown: String) -> String {
        cook(markdown, mentions: [])
    }

    public func excerpt(_ markdown: String, maximumLength: Int) -> String {
        MarkdownExcerpt.make(markdown, maximumLength: maximumLength)
    }

    // MARK: Blocks

    private func renderBlocks(_ lines: ArraySlice<String>, depth: Int, mentions: Set<String>, into out: inout String) {
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                index += 1
            } else if let fence = Fence(line) {
                index = renderFence(fence, lines, from: index + 1, into: &out)
            } else if BlockStart.isThematicBreak(line) {
                out += "<hr>\n"
                index += 1
            } else if depth < Self.maximumDepth, BlockStart.quoteContent(line) != nil {
                var inner: [String] = []
                while index < lines.endIndex {
                    if let content = BlockStart.quoteContent(lines[index]) {
                        inner.append(content)
                    } else if let last = inner.last, !last.allSatisfy(\.isWhitespace),
                        !BlockStart.endsParagraph(lines[index])
                    {
                        inner.append(lines[index])  // a lazy continuation of the quoted paragraph
                    } else {
                        break
                    }
                    index += 1
                }
                out += "<blockquote>"
                renderBlocks(inner[...], depth: depth + 1, mentions: mentions, into: &out)
                out += "</blockquote>\n"
            } else if depth < Self.maximumDepth, let marker = ListMarker(line) {
                index = renderList(marker, lines, from: index, depth: depth, mentions: mentions, into: &out)
            } else if BlockStart.isIndentedCode(line) {
                var code: [String] = []
                while index < lines.endIndex,
                    BlockStart.isIndentedCode(lines[index]) || lines[index].allSatisfy(\.isWhitespace)
                {
                    code.append(BlockStart.dropIndent(lines[index], 4))
                    index += 1
                }
                while code.last?.allSatisfy(\.isWhitespace) == true { code.removeLast() }
                out += "<pre><code>" + code.joined(separator: "\n").htmlEscaped + "</code></pre>\n"
            } else {
                var paragraph: [String] = [line.trimmingLeadingSpaces().trimmingTrailingWhitespace()]
                index += 1
                while index < lines.endIndex, !BlockStart.endsParagraph(lines[index]) {
                    paragraph.append(lines[index].trimmingLeadingSpaces().trimmingTrailingWhitespace())
                    index += 1
                }
                out += "<p>"
                var inline = InlineRenderer(mentions: mentions, uploadPrefix: uploadPrefix)
                out += inline.render(paragraph.joined(separator: "\n").trimmingTrailingWhitespace())
                out += "</p>\n"
            }
        }
    }

    /// Writes a fenced code block and returns the index after its closing fence (or the end).
    private func renderFence(_ fence: Fence, _ lines: ArraySlice<String>, from start: Int, into out: inout String)
        -> Int
    {
        var index = start
        var code: [String] = []
        while index < lines.endIndex {
            if fence.isClosed(by: lines[index]) {
                index += 1
                break
            }
            code.append(BlockStart.dropIndent(lines[index], fence.indent))
            index += 1
        }
        out += fence.language.map { "<pre><code class=\"language-\($0)\">" } ?? "<pre><code>"
        out += code.joined(separator: "\n").htmlEscaped + "</code></pre>\n"
        return index
    }

    /// Writes a list and returns the index of the first line after it.
    private func renderList(
        _ first: ListMarker, _ lines: ArraySlice<String>, from start: Int, depth: Int, mentions: Set<String>,
        into out: inout String
    ) -> Int {
        var items: [[String]] = []
        var index = start
        var current: [String] = []
        var marker = first
        var sawBlank = false
        while index < lines.endIndex {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                sawBlank = true
                current.append("")
                index += 1
                continue
            }
            if index == start {
                current = [marker.content]
            } else if let next = ListMarker(line), next.ordered == first.ordered, next.indent < marker.contentIndent {
                items.append(current)
                marker = next
                current = [next.content]
                sawBlank = false
            } else if BlockStart.indentation(of: line) >= marker.contentIndent {
                current.append(BlockStart.dropIndent(line, marker.contentIndent))
                sawBlank = false
            } else if !sawBlank, !BlockStart.endsParagraph(line) {
                current.append(line.trimmingLeadingSpaces())  // a lazy continuation of the item's text
            } else {
                break
            }
            index += 1
        }
        items.append(current)
        if first.ordered {
            out += first.number == 1 ? "<ol>" : "<ol start=\"\(first.number)\">"
        } else {
            out += "<ul>"
        }
        for item in items {
            var lines = item
            while lines.last?.isEmpty == true { lines.removeLast() }
            out += "<li>"
            if !lines.contains(where: \.isEmpty), lines.allSatisfy({ !BlockStart.startsBlock($0) }) {
                var inline = InlineRenderer(mentions: mentions, uploadPrefix: uploadPrefix)
                out += inline.render(lines.joined(separator: "\n").trimmingTrailingWhitespace())
            } else {
                renderBlocks(lines[...], depth: depth + 1, mentions: mentions, into: &out)
            }
            out += "</li>"
        }
        out += first.ordered ? "</ol>\n" : "</ul>\n"
        return index
    }
}

/// How block-level constructs are recognised.
enum BlockStart {
    static func indentation(of line: String) -> Int { line.indentationWidth }

    /// The line without up to `width` columns of leading indentation.
    static func dropIndent(_ line: String, _ width: Int) -> String {
        var removed = 0
        var index = line.startIndex
        while index < line.endIndex, removed < width {
            if line[index] == " " {
                removed += 1
            } else if line[index] == "\t" {
                removed += 4 - removed % 4
            } else {
                break
            }
            index = line.index(after: index)
        }
        return String(line[index...])
    }

    static func isIndentedCode(_ line: String) -> Bool {
        indentation(of: line) >= 4 && !line.allSatisfy(\.isWhitespace)
    }

    /// The text of a block-quote line without its `>` marker, or nil when the line is not one.
    static func quoteContent(_ line: String) -> String? {
        guard indentation(of: line) < 4 else { return nil }
        let trimmed = line.trimmingLeadingSpaces()
        guard trimmed.hasPrefix(">") else { return nil }
        let rest = trimmed.dropFirst()
        return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
    }

    /// A horizontal rule: three or more `-`, `*` or `_` alone on a line, spaces allowed between them. It wins
    /// over a list item ("* * *") and, since there are no headings here, also ends the paragraph above it ("---"
    /// under text, a heading underline in CommonMark, is shown as a rule rather than swallowed).
    static func isThematicBreak(_ line: String) -> Bool {
        guard indentation(of: line) < 4 else { return false }
        var marker: Character?
        var count = 0
        for character in line where character != " " && character != "\t" {
            guard character == "-" || character == "*" || character == "_" else { return false }
            if marker == nil { marker = character }
            guard character == marker else { return false }
            count += 1
        }
        return count >= 3
    }

    static func startsBlock(_ line: String) -> Bool {
        isThematicBreak(line) || Fence(line) != nil || quoteContent(line) != nil || ListMarker(line) != nil
    }

    /// Whether the line ends the paragraph before it: a blank line, or a block that may interrupt one.
    static func endsParagraph(_ line: String) -> Bool {
        if line.allSatisfy(\.isWhitespace) || Fence(line) != nil || quoteContent(line) != nil || isThematicBreak(line) {
            return true
        }
        if let marker = ListMarker(line) { return !marker.ordered || marker.number == 1 }
        return false
    }
}

/// An opening code fence: three or more backticks or tildes, and an optional language name.
struct Fence {
    let character: Character
    let length: Int
    let indent: Int
    let language: String?

    init?(_ line: String) {
        indent = BlockStart.indentation(of: line)
        guard indent < 4 else { return nil }
        let trimmed = line.trimmingLeadingSpaces()
        guard let first = trimmed.first, first == "`" || first == "~" else { return nil }
        let run = trimmed.prefix { $0 == first }
        guard run.count >= 3 else { return nil }
        let info = trimmed.dropFirst(run.count).trimmingCharacters(in: .whitespaces)
        if first == "`", info.contains("`") { return nil }
        character = first
        length = run.count
        // Only a plain name may become a class: letters, digits, "-", "+", "#", "_".
        let name = info.prefix { !$0.isWhitespace }
        let safe =
            !name.isEmpty && name.count <= 32
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-+#_".unicodeScalars.contains($0))
            }
        language = safe ? String(name).lowercased() : nil
    }

    func isClosed(by line: String) -> Bool {
        guard BlockStart.indentation(of: line) < 4 else { return false }
        let trimmed = line.trimmed(newlines: false)
        return trimmed.count >= length && trimmed.allSatisfy { $0 == character }
    }
}

/// A list item's marker: "-", "*", "+", or a number followed by "." or ")".
struct ListMarker {
    let ordered: Bool
    let number: Int
    let indent: Int
    /// The column where the item's text starts; continuation lines indented this far belong to it.
    let contentIndent: Int
    let content: String

    init?(_ line: String) {
        indent = BlockStart.indentation(of: line)
        guard indent < 4, !BlockStart.isThematicBreak(line) else { return nil }
        let trimmed = Substring(line.trimmingLeadingSpaces())
        var rest: Substring
        if let first = trimmed.first, "-*+".contains(first) {
            ordered = false
            number = 0
            rest = trimmed.dropFirst()
        } else {
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let value = Int(digits) else { return nil }
            rest = trimmed.dropFirst(digits.count)
            guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return nil }
            rest = rest.dropFirst()
            ordered = true
            number = value
        }
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let markerWidth = trimmed.count - rest.count
        let spaces = min(max(rest.prefix { $0 == " " }.count, 1), 4)
        contentIndent = indent + markerWidth + spaces
        content = String(rest.drop { $0 == " " || $0 == "\t" })
    }
}

extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }

    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return copy
    }
}
