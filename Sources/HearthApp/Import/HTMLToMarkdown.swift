import Foundation

/// Turns the HTML of imported posts (Stack Exchange's rendered bodies and profiles) into the Markdown Hearth
/// stores: paragraphs, line breaks, emphasis, code, block quotes, lists, links, images and headings (as
/// bold lines). Other tags are dropped and their text kept. The result is then rendered by SafeMarkdown like
/// anything a member writes, so nothing in the source HTML reaches a page as HTML.
enum HTMLToMarkdown {
    static func convert(_ html: String) -> String {
        var converter = Converter()
        converter.run(html)
        return converter.finish()
    }

    struct Converter {
        var out = ""
        var listStack: [(ordered: Bool, next: Int)] = []
        var quoteDepth = 0
        var inPre = false
        var linkStack: [String?] = []

        mutating func run(_ html: String) {
            var index = html.startIndex
            while index < html.endIndex {
                if html[index] == "<", let close = Self.first(UInt8(ascii: ">"), in: html, from: index) {
                    tag(String(html[html.index(after: index)..<close]))
                    index = html.index(after: close)
                } else {
                    // A "<" that no ">" closes is text ("Is 3 < 4?"): look for the next tag after it, or the
                    // loop would stand on it forever.
                    let from = html[index] == "<" ? html.index(after: index) : index
                    let next = Self.first(UInt8(ascii: "<"), in: html, from: from) ?? html.endIndex
                    text(Self.decode(String(html[index..<next])))
                    index = next
                }
            }
        }

        /// Where `html[start...].firstIndex(of: character)` finds the ASCII character: looked for in the UTF-8, and
        /// taken only where it is a whole character (not the start of a longer one, as with a combining mark).
        /// Comparing character by character was the larger part of converting a post.
        static func first(_ ascii: UInt8, in html: String, from start: String.Index) -> String.Index? {
            var position = start
            while let found = html.utf8[position...].firstIndex(of: ascii) {
                if let boundary = found.samePosition(in: html), html[boundary].utf8.count == 1 { return boundary }
                position = html.utf8.index(after: found)
            }
            return nil
        }

        mutating func tag(_ raw: String) {
            let closing = raw.hasPrefix("/")
            let body = closing ? String(raw.dropFirst()) : raw
            let name = body.prefix { !$0.isWhitespace && $0 != "/" }.lowercased()
            switch (name, closing) {
            case ("p", false), ("div", false): block()
            case ("p", true), ("div", true): block()
            case ("br", _): out += inPre ? "\n" : "  \n" + prefix()
            case ("em", _), ("i", _): out += "*"
            case ("strong", _), ("b", _): out += "**"
            case ("code", _) where !inPre: out += "`"
            case ("pre", false):
                block()
                out += "```\n"
                inPre = true
            case ("pre", true):
                inPre = false
                if !out.hasSuffix("\n") { out += "\n" }
                out += "```"
                block()
            case ("blockquote", false):
                quoteDepth += 1
                block()
            case ("blockquote", true):
                quoteDepth = max(0, quoteDepth - 1)
                block()
            case ("ul", false), ("ol", false):
                listStack.append((name == "ol", 1))
                block()
            case ("ul", true), ("ol", true):
                _ = listStack.popLast()
                block()
            case ("li", false):
                lineBreak()
                let depth = max(0, listStack.count - 1)
                out += String(repeating: "   ", count: depth)
                if var top = listStack.last, top.ordered {
                    out += "\(top.next). "
                    top.next += 1
                    listStack[listStack.count - 1] = top
                } else {
                    out += "- "
                }
            case ("a", false):
                linkStack.append(Self.attribute("href", in: body))
                out += "["
            case ("a", true):
                let href = linkStack.popLast() ?? nil
                out += href.map { "](\($0))" } ?? "]"
            case ("img", _):
                let alt = Self.attribute("alt", in: body) ?? ""
                if let src = Self.attribute("src", in: body) { out += "![\(alt)](\(src))" }
            case ("h1", false), ("h2", false), ("h3", false), ("h4", false), ("h5", false), ("h6", false):
                block()
                out += "**"
            case ("h1", true), ("h2", true), ("h3", true), ("h4", true), ("h5", true), ("h6", true):
                out += "**"
                block()
            case ("hr", _): block()
            default: break
            }
        }

        mutating func text(_ text: String) {
            if inPre {
                out += text
                return
            }
            let collapsed = Self.spacingLineBreaks(text)
            if out.hasSuffix("\n") || out.isEmpty {
                out += collapsed.drop { $0 == " " }
            } else {
                out += collapsed
            }
        }

        /// The text with each line break a space, as `replacingOccurrences(of: "\n", with: " ")` gives it. That goes
        /// through NSString, and most of a body's text between tags is line breaks: ASCII text without a carriage
        /// return (where every "\n" is a character of its own) is done on its bytes.
        static func spacingLineBreaks(_ text: String) -> String {
            guard text.utf8.contains(0x0A) else { return text }
            guard text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else {
                return text.replacingOccurrences(of: "\n", with: " ")
            }
            return String(decoding: text.utf8.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
        }

        func prefix() -> String {
            String(repeating: "> ", count: quoteDepth)
        }

        mutating func block() {
            trimTrailingSpaces()
            if out.isEmpty { return }
            if !out.hasSuffix("\n") { out += "\n" }
            out += prefix().trimmingCharacters(in: .whitespaces) + "\n" + prefix()
        }

        mutating func lineBreak() {
            trimTrailingSpaces()
            if !out.isEmpty, !out.hasSuffix("\n") { out += "\n" }
            out += prefix()
        }

        mutating func trimTrailingSpaces() {
            while out.hasSuffix(" ") && !out.hasSuffix("  \n") { out.removeLast() }
        }

        func finish() -> String {
            let lines = out.lines.map(Self.trimmingTrailingSpace)
            // A blank line inside a quote is ">" alone; keep one only between two quoted lines.
            func isQuoteBlank(_ line: String) -> Bool { !line.isEmpty && line.allSatisfy { $0 == ">" || $0 == " " } }
            var result: [String] = []
            for (index, line) in lines.enumerated() {
                if isQuoteBlank(line) {
                    let next = lines[(index + 1)...].first { !isQuoteBlank($0) }
                    guard let previous = result.last, previous.hasPrefix(">"), !isQuoteBlank(previous),
                        next?.hasPrefix(">") == true
                    else { continue }
                } else if line.isEmpty, result.last?.isEmpty ?? true {
                    continue
                }
                result.append(line)
            }
            while result.last?.isEmpty == true { result.removeLast() }
            return result.joined(separator: "\n")
        }

        /// The line without the white space that ends it, as the regular expression `\s+$` removed it before (a
        /// regular expression compiled per line was a third of the import's time). ICU's `\s` is Unicode's
        /// White_Space, line breaks included, so `$` matching before a final line break changes nothing.
        static func trimmingTrailingSpace(_ line: Substring) -> String {
            guard let last = line.utf8.last, !(last > 0x20 && last < 0x80) else { return String(line) }
            var kept = line.unicodeScalars[...]
            while let final = kept.last, final.properties.isWhitespace { kept = kept.dropLast() }
            return String(String.UnicodeScalarView(kept))
        }

        static func attribute(_ name: String, in tag: String) -> String? {
            guard let range = tag.range(of: "\(name)=\"") else { return nil }
            let rest = tag[range.upperBound...]
            return rest.firstIndex(of: "\"").map { decode(String(rest[..<$0])) }
        }

        static func decode(_ text: String) -> String {
            guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                rest = rest[amp...]
                guard let semi = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semi) <= 10 else {
                    out += "&"
                    rest = rest.dropFirst()
                    continue
                }
                let entity = String(rest[rest.index(after: rest.startIndex)..<semi])
                let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "#39": "'"]
                if let value = named[entity] {
                    out += value
                } else if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16),
                    let scalar = Unicode.Scalar(code)
                {
                    out.unicodeScalars.append(scalar)
                } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()),
                    let scalar = Unicode.Scalar(code)
                {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "&" + entity + ";"
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}
