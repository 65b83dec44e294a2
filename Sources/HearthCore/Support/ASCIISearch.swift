/// Searching a text for ASCII words on its UTF-8 bytes, ignoring ASCII case. Foundation's `range(of:options:)`,
/// which `contains` falls back to when Foundation is imported, costs a share of every post written (the link check,
/// the brand words, the watched expressions' prefilter); most posts are checked here without it.
enum ASCIISearch {
    /// The lowercase bytes of an ASCII text, or nil when it holds any other character.
    static func lowercaseBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return bytes
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

    /// Whether `text` holds `needle` (lowercase ASCII), ignoring ASCII case; every byte of other scripts is compared
    /// as it is, which is exact since a lowercase ASCII needle can only match ASCII bytes.
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        let needle = needle.withUTF8Buffer { Array($0) }
        var matched = 0
        var candidate = text.utf8.startIndex
        var index = candidate
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if lowered == needle[matched] {
                if matched == 0 { candidate = index }
                matched += 1
                if matched == needle.count { return true }
                index = utf8.index(after: index)
            } else if matched > 0 {
                matched = 0
                index = utf8.index(after: candidate)
            } else {
                index = utf8.index(after: index)
            }
        }
        return false
    }
}
