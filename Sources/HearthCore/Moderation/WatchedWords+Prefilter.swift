/// The watched expressions' prefilter: letters every match of an expression must hold, looked for in the text's
/// bytes before the expression itself runs (most posts hold none of them, and NSRegularExpression is the costly
/// part of matching).
extension WatchedWordList {
    /// The longest run of plain characters (two or more, ASCII, lowercased) that every match of `pattern` must
    /// contain, read conservatively: nil for a pattern with an alternation, a group, or an escape that is not a
    /// simple class, where the run could be optional or mean something else. A character followed by `?`, `*` or
    /// `{` may be absent, so it ends the run before it; `+` ends the run after it.
    static func requiredLiteral(_ pattern: String) -> [UInt8]? {
        let bytes = Array(pattern.utf8)
        guard !bytes.contains(UInt8(ascii: "|")), !bytes.contains(UInt8(ascii: "(")) else { return nil }
        var best: [UInt8] = []
        var run: [UInt8] = []
        func end() {
            if run.count > best.count { best = run }
            run = []
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                let escaped = bytes[index + 1]
                let isAlphanumeric =
                    escaped >= 0x80 || Character(Unicode.Scalar(escaped)).isLetter
                    || Character(Unicode.Scalar(escaped)).isNumber
                if !isAlphanumeric {
                    run.append(escaped)  // "\." is a dot
                } else if Array("bBdDwWsS".utf8).contains(escaped) {
                    end()
                } else {
                    return nil
                }
                index += 2
                continue
            case UInt8(ascii: "["):
                end()
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
                while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                    // A set inside a set ("[[a-z]&&[^aeiou]]", "[[:digit:]x]"): where it ends is not read here.
                    if bytes[index] == UInt8(ascii: "[") { return nil }
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { return nil }
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"):
                if !run.isEmpty { run.removeLast() }
                end()
                if byte == UInt8(ascii: "{") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "}") { index += 1 }
                }
            case UInt8(ascii: "+"):
                end()
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: ")"), UInt8(ascii: "}"),
                UInt8(ascii: "]"):
                end()
            case 0x80...:
                end()
            default:
                run.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
            index += 1
        }
        end()
        return best.count >= 2 ? best : nil
    }

    /// The text lowercased for the prefilter, or nil when it holds any character beyond ASCII: a case-insensitive
    /// expression folds case fully, so "ß" matches "ss", "ﬁ" matches "fi" and "ſ" matches "s", and a byte search
    /// could miss what the expression finds. Then every expression runs.
    static func prefilterBytes(_ text: String) -> [UInt8]? {
        ASCIISearch.lowercaseBytes(text)
    }
}
