/// Searching a text for ASCII words on its UTF-8 bytes, ignoring ASCII case. Foundation's `range(of:options:)`,
/// which `contains` falls back to when Foundation is imported, costs a share of every post written (the link check,
/// the brand words, the watched expressions' prefilter); most posts are checked here without it.
enum ASCIISearch {
    /// The text's UTF-8 with ASCII letters lowercased, every other byte as it is: a lowercase ASCII needle is found
    /// in it exactly where it is found ignoring case, since such a needle can only match ASCII bytes.
    static func folded(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// The lowercase bytes of an ASCII text, or nil when it holds any other character.
    static func lowercaseBytes(_ text: String) -> [UInt8]? {
        text.utf8.allSatisfy { $0 < 0x80 } ? folded(text) : nil
    }

    /// Where `needle` (lowercase ASCII) first occurs in `haystack` (lowercased), from `start`; nil when nowhere.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count - start else { return nil }
        var at = start
        let last = haystack.count - needle.count
        while at <= last {
            if haystack[at] == first {
                var offset = 1
                while offset < needle.count, haystack[at + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return at }
            }
            at += 1
        }
        return nil
    }
}
