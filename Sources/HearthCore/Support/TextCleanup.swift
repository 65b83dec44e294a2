import Foundation

/// Line-break and whitespace cleanup for text people type. Foundation's `replacingOccurrences` and
/// `trimmingCharacters` bridge through `NSString` on Linux, which cost a visible share of every reply; these look
/// at the UTF-8 bytes first and only copy when there is something to change.
extension String {
    /// The text with Windows ("\r\n") and old Mac ("\r") line breaks turned into "\n".
    public var unixLineBreaks: String {
        guard utf8.contains(UInt8(ascii: "\r")) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var afterReturn = false
        for byte in utf8 {
            if byte == UInt8(ascii: "\n"), afterReturn {
                afterReturn = false
                continue
            }
            afterReturn = byte == UInt8(ascii: "\r")
            bytes.append(afterReturn ? UInt8(ascii: "\n") : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text's lines: what `split(separator: "\n", omittingEmptySubsequences: false)` returns, found in the
    /// UTF-8 instead of by comparing characters one at a time (a fifth of converting and cooking an imported post).
    /// A "\n" after "\r" is part of the one character "\r\n" and splits nothing, as there.
    public var lines: [Substring] {
        var lines: [Substring] = []
        var start = startIndex
        var afterReturn = false
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\n"), !afterReturn {
                lines.append(self[start..<index])
                start = utf8.index(after: index)
            }
            afterReturn = byte == UInt8(ascii: "\r")
            index = utf8.index(after: index)
        }
        lines.append(self[start...])
        return lines
    }

    /// The text without the characters XML 1.0 forbids: the C0 controls other than tab, line feed and carriage
    /// return, and U+FFFE and U+FFFF. One such character in a post made every feed invalid XML, so every text
    /// input drops them and the XML writers drop them again. Returns the text itself when it holds none.
    public var withoutXMLForbiddenCharacters: String {
        // U+FFFE and U+FFFF start with the byte 0xEF; the controls are single bytes.
        guard utf8.contains(where: { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D) || $0 == 0xEF }) else {
            return self
        }
        guard unicodeScalars.contains(where: \.isForbiddenInXML) else { return self }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: unicodeScalars.lazy.filter { !$0.isForbiddenInXML })
        return String(kept)
    }
}

extension Unicode.Scalar {
    /// Whether XML 1.0's `Char` production leaves this scalar out (surrogates cannot occur in a Swift string).
    public var isForbiddenInXML: Bool {
        switch value {
        case 0x09, 0x0A, 0x0D: false
        case 0..<0x20, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space (and line breaks, unless `newlines` is false).
    /// Text that starts and ends with a visible ASCII character is returned as it is.
    public func trimmed(newlines: Bool = true) -> String {
        let visible = UInt8(0x21)..<0x7F
        if let first = utf8.first, let last = utf8.reversed().first, visible.contains(first), visible.contains(last) {
            return String(self)
        }
        return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }

    /// How far the line is indented, as Markdown counts it: a space is one column, a tab goes to the next multiple
    /// of four.
    public var indentationWidth: Int {
        var width = 0
        for character in self {
            if character == " " {
                width += 1
            } else if character == "\t" {
                width += 4 - width % 4
            } else {
                break
            }
        }
        return width
    }
}

extension String {
    /// An address without its trailing slashes, to append a path to ("https://example.org/" → "https://example.org").
    public var withoutTrailingSlash: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
