/// Renders the text of one paragraph or list item: escapes everything, and turns code spans, emphasis,
/// links, images, bare URLs and mentions of real members into their few allowed tags.
///
/// Unmatched delimiters are shown as typed. Once a search for a closing delimiter has failed, that
/// delimiter is not searched for again, so adversarial input ("****…" or "[[[[…") stays linear-ish.
struct InlineRenderer {
    let mentions: Set<String>
    let uploadPrefix: String
    private var unclosed: Set<Unicode.Scalar> = []
    /// How deep emphasis and link labels nest before delimiters are taken literally.
    private static let maximumNesting = 12

    init(mentions: Set<String>, uploadPrefix: String) {
        self.mentions = mentions
        self.uploadPrefix = uploadPrefix
    }

    mutating func render(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        out.reserveCapacity(scalars.count + scalars.count / 4)
        render(scalars[...], nesting: 0, inLink: false, into: &out)
        return out
    }

    private mutating func render(
        _ text: ArraySlice<Unicode.Scalar>, nesting: Int, inLink: Bool, into out: inout String
    ) {
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text[index]
            let previous: Unicode.Scalar = index > text.startIndex ? text[index - 1] : " "
            switch scalar {
            case "\\":
                if index + 1 < text.endIndex, text[index + 1].isASCIIPunctuation {
                    out.appendEscaped(text[index + 1])
                    index += 2
                } else if index + 1 < text.endIndex, text[index + 1] == "\n" {
                    out += "<br>\n"
                    index += 2
                } else {
                    out += "\\"
                    index += 1
                }
            case "`":
                index = codeSpan(text, at: index, into: &out)
            case "*", "_":
                index = emphasis(text, at: index, nesting: nesting, inLink: inLink, into: &out)
            case "!" where !inLink && index + 1 < text.endIndex && text[index + 1] == "[":
                if let link = LinkSyntax(text, at: index + 1), let source = imageSource(link.destination) {
                    out +=
                        "<img src=\"" + source.htmlEscaped + "\" alt=\"" + plain(link.label).htmlEscaped
                        + "\" loading=\"lazy\">"
                    index = link.end
                } else {
                    out += "!"
                    index += 1
                }
            case "[" where !inLink && nesting < Self.maximumNesting && !unclosed.contains("["):
                if let link = LinkSyntax(text, at: index) {
                    if let href = linkTarget(link.destination) {
                        out += "<a href=\"" + href.htmlEscaped + "\" rel=\"nofollow ugc noopener\">"
                        render(link.label, nesting: nesting + 1, inLink: true, into: &out)
                        out += "</a>"
                    } else {
                        render(link.label, nesting: nesting + 1, inLink: true, into: &out)
                    }
                    index = link.end
                } else {
                    if !text[index...].contains("]") { unclosed.insert("[") }
                    out += "["
                    index += 1
                }
            case "@" where !inLink && !previous.isHandleCharacter && previous != ".":
                let name = text[(index + 1)...].prefix { $0.isHandleCharacter }.prefix(20)
                let handle = String(String.UnicodeScalarView(name)).lowercased()
                if !name.isEmpty, mentions.contains(handle) {
                    out += "<a class=\"mention\" href=\"/u/" + handle.htmlEscaped + "\">@" + handle.htmlEscaped + "</a>"
                    index += 1 + name.count
                } else {
                    out += "@"
                    index += 1
                }
            case "h" where !inLink && !previous.isASCIIAlphanumeric:
                if let end = Self.bareURLEnd(text, at: index) {
                    let url = String(String.UnicodeScalarView(text[index..<end]))
                    out +=
                        "<a href=\"" + url.htmlEscaped + "\" rel=\"nofollow ugc noopener\">" + url.htmlEscaped + "</a>"
                    index = end
                } else {
                    out += "h"
                    index += 1
                }
            case "\n":
                out += "<br>\n"
                index += 1
            default:
                out.appendEscaped(scalar)
                index += 1
            }
        }
    }

    /// A code span between equal runs of backticks, or the run itself when nothing closes it.
    private func codeSpan(_ text: ArraySlice<Unicode.Scalar>, at start: Int, into out: inout String) -> Int {
        let run = text[start...].prefix { $0 == "`" }.count
        var index = start + run
        while index < text.endIndex {
            if text[index] == "`" {
                let closing = text[index...].prefix { $0 == "`" }.count
                if closing == run {
                    var code = String(String.UnicodeScalarView(text[(start + run)..<index]))
                        .replacingOccurrences(of: "\n", with: " ")
                    if code.count > 2, code.hasPrefix(" "), code.hasSuffix(" ") {
                        code = String(code.dropFirst().dropLast())
                    }
                    out += "<code>" + code.htmlEscaped + "</code>"
                    return index + closing
                }
                index += closing
            } else {
                index += 1
            }
        }
        out += String(repeating: "`", count: run)
        return start + run
    }

    /// `*em*`, `**strong**` (or with `_`, not inside words), or the delimiters as typed when unmatched.
    private mutating func emphasis(
        _ text: ArraySlice<Unicode.Scalar>, at start: Int, nesting: Int, inLink: Bool, into out: inout String
    ) -> Int {
        let delimiter = text[start]
        let run = text[start...].prefix { $0 == delimiter }.count
        let previous: Unicode.Scalar = start > text.startIndex ? text[start - 1] : " "
        let afterRun = start + run
        let opens =
            afterRun < text.endIndex && !text[afterRun].properties.isWhitespace
            && (delimiter == "*" || !previous.isASCIIAlphanumeric)
        guard opens, nesting < Self.maximumNesting, !unclosed.contains(delimiter) else {
            out += String(repeating: Character(delimiter), count: run)
            return afterRun
        }
        for width in [2, 1] where run >= width {
            if let close = closer(of: delimiter, width: width, in: text, from: start + width) {
                let tag = width == 2 ? "strong" : "em"
                out += String(repeating: Character(delimiter), count: run - width) + "<\(tag)>"
                render(text[(start + width)..<close], nesting: nesting + 1, inLink: inLink, into: &out)
                out += "</\(tag)>"
                return close + width
            }
        }
        unclosed.insert(delimiter)
        out += String(repeating: Character(delimiter), count: run)
        return afterRun
    }

    /// Where a run of at least `width` delimiters that can close emphasis starts, skipping code spans.
    private func closer(of delimiter: Unicode.Scalar, width: Int, in text: ArraySlice<Unicode.Scalar>, from start: Int)
        -> Int?
    {
        var index = start
        while index < text.endIndex {
            let scalar = text[index]
            if scalar == "`" {
                let run = text[index...].prefix { $0 == "`" }.count
                index += run
                continue
            }
            if scalar == delimiter {
                let run = text[index...].prefix { $0 == delimiter }.count
                let before = text[index - 1]
                let after: Unicode.Scalar = index + run < text.endIndex ? text[index + run] : " "
                if index > start, run >= width, !before.properties.isWhitespace,
                    delimiter == "*" || !after.isASCIIAlphanumeric
                {
                    return index + run - width
                }
                index += run
                continue
            }
            index += 1
        }
        return nil
    }

    /// The address a link may point to: http, https or mailto, or a path on this site ("/feedback/6", as the
    /// board's notices and members' own links to a thread write it; not "//host", which leaves the site).
    private func linkTarget(_ destination: String) -> String? {
        guard Self.isCleanURL(destination) else { return nil }
        if destination.hasPrefix("/"), destination.count > 1, !destination.hasPrefix("//"),
            !destination.contains("..")
        {
            return destination
        }
        let lower = destination.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            return destination.count > 8 ? destination : nil
        }
        if lower.hasPrefix("mailto:"), destination.count > 7 { return destination }
        return nil
    }

    /// The address an image may load from: one of our uploads, or https.
    private func imageSource(_ destination: String) -> String? {
        guard Self.isCleanURL(destination) else { return nil }
        if destination.hasPrefix(uploadPrefix), !destination.contains(".."), destination.count > uploadPrefix.count {
            return destination
        }
        return destination.lowercased().hasPrefix("https://") && destination.count > 8 ? destination : nil
    }

    /// No whitespace, control characters, quotes, angle brackets or backslashes anywhere in the address.
    static func isCleanURL(_ url: String) -> Bool {
        !url.isEmpty && url.count <= 2_000
            && url.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value != 0x7F && !"\"'<>\\`".unicodeScalars.contains($0)
                    && !(0x80...0x9F).contains($0.value) && !$0.properties.isWhitespace
                    && $0.properties.generalCategory != .format
            }
    }

    /// The end of a bare http(s) address starting at `start`, without trailing punctuation.
    static func bareURLEnd(_ text: ArraySlice<Unicode.Scalar>, at start: Int) -> Int? {
        let rest = text[start...]
        let prefix = rest.prefix(8).map { Character($0) }
        let head = String(prefix).lowercased()
        guard head.hasPrefix("https://") || head.hasPrefix("http://") else { return nil }
        var end = start + rest.prefix { !$0.properties.isWhitespace && !"<>\"'`".unicodeScalars.contains($0) }.count
        while end > start, ".,:;!?*_".unicodeScalars.contains(text[end - 1]) { end -= 1 }
        let opened = text[start..<end].filter { $0 == "(" }.count
        var closed = text[start..<end].filter { $0 == ")" }.count
        while end > start, text[end - 1] == ")", closed > opened {
            end -= 1
            closed -= 1
        }
        let url = String(String.UnicodeScalarView(text[start..<end]))
        guard isCleanURL(url), url.count > (head.hasPrefix("https") ? 8 : 7) else { return nil }
        return end
    }

    /// The label's text without markup, for an image's alt attribute.
    private func plain(_ label: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(label.filter { !"*_`[]".unicodeScalars.contains($0) }))
    }
}

/// `[label](destination "title")`, read from the `[`. Titles are accepted and dropped.
struct LinkSyntax {
    let label: ArraySlice<Unicode.Scalar>
    let destination: String
    /// The index just after the closing parenthesis.
    let end: Int

    init?(_ text: ArraySlice<Unicode.Scalar>, at open: Int) {
        guard text[open] == "[" else { return nil }
        var depth = 0
        var index = open
        var closeBracket: Int?
        while index < text.endIndex {
            switch text[index] {
            case "\\": index += 1
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { closeBracket = index }
            default: break
            }
            if closeBracket != nil { break }
            index += 1
        }
        guard let close = closeBracket, close + 1 < text.endIndex, text[close + 1] == "(" else { return nil }
        var cursor = close + 2
        while cursor < text.endIndex, text[cursor] == " " { cursor += 1 }
        var destination = String.UnicodeScalarView()
        if cursor < text.endIndex, text[cursor] == "<" {
            cursor += 1
            while cursor < text.endIndex, text[cursor] != ">", text[cursor] != "\n" {
                destination.append(text[cursor])
                cursor += 1
            }
            guard cursor < text.endIndex, text[cursor] == ">" else { return nil }
            cursor += 1
        } else {
            var parens = 0
            while cursor < text.endIndex, !text[cursor].properties.isWhitespace {
                if text[cursor] == "(" { parens += 1 }
                if text[cursor] == ")" {
                    if parens == 0 { break }
                    parens -= 1
                }
                destination.append(text[cursor])
                cursor += 1
            }
        }
        while cursor < text.endIndex, text[cursor] == " " || text[cursor] == "\n" { cursor += 1 }
        if cursor < text.endIndex, text[cursor] == "\"" {
            cursor += 1
            while cursor < text.endIndex, text[cursor] != "\"" { cursor += 1 }
            cursor += 1
            while cursor < text.endIndex, text[cursor] == " " { cursor += 1 }
        }
        guard cursor < text.endIndex, text[cursor] == ")" else { return nil }
        label = text[(open + 1)..<close]
        self.destination = String(destination)
        end = cursor + 1
    }
}

extension Unicode.Scalar {
    var isASCIIPunctuation: Bool {
        isASCII && (0x21...0x2F ~= value || 0x3A...0x40 ~= value || 0x5B...0x60 ~= value || 0x7B...0x7E ~= value)
    }

    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }

    var isHandleCharacter: Bool { isASCIIAlphanumeric || self == "_" }
}
