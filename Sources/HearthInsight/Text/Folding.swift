import Foundation

/// Case and accent folding for matching: "École" and "ecole" fold to the same key, the text keeps its original.
///
/// Folding works scalar by scalar into a UTF-8 byte buffer so that reading a post allocates nothing per word.
/// ASCII is lowered inline; Latin letters with diacritics come from a table computed once from Foundation's
/// folding; compatibility forms (full-width letters, mathematical alphabets used to dodge filters) go through NFKC
/// on the rare path.
enum Folding {
    /// Appends the UTF-8 of the folded form of `scalar` to `out`. Combining marks vanish, ligatures expand
    /// ("œ" → "oe").
    @inline(__always)
    static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            out.append(value >= 0x41 && value <= 0x5A ? UInt8(value + 32) : UInt8(value))
            return
        }
        appendNonASCII(scalar, to: &out)
    }

    private static func appendNonASCII(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let value = scalar.value
        if value >= latinStart && value < latinEnd {
            out.append(contentsOf: latinTable[Int(value - latinStart)])
            return
        }
        if value == 0x2019 || value == 0x2018 || value == 0x02BC {  // typographic apostrophes
            out.append(UInt8(ascii: "'"))
            return
        }
        if isCombiningMark(value) { return }
        if value >= 0xFF01 && value <= 0xFF5E, let ascii = Unicode.Scalar(value - 0xFEE0) {  // full-width ASCII
            append(ascii, to: &out)
            return
        }
        if scalar.properties.isAlphabetic, scalar.properties.changesWhenNFKCCaseFolded {
            // NFKD then lower case: compatibility letters become plain ones, and their accents fall away below.
            for folded in String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars
            where !isCombiningMark(folded.value) {
                out.append(contentsOf: UTF8.encode(folded)!)
            }
            return
        }
        out.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// The folded form of a whole string.
    static func fold(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isCombiningMark(_ value: UInt32) -> Bool {
        (0x0300...0x036F).contains(value) || (0x1AB0...0x1AFF).contains(value) || (0x20D0...0x20FF).contains(value)
    }

    private static let latinStart: UInt32 = 0x00A0
    private static let latinEnd: UInt32 = 0x0250

    /// UTF-8 of the folded forms of U+00A0 ..< U+0250 (Latin-1 Supplement, Latin Extended-A and -B).
    private static let latinTable: [[UInt8]] = (latinStart..<latinEnd).map { value in
        let scalar = Unicode.Scalar(value)!
        if let special = ligatures[value] { return Array(special.utf8) }
        if scalar.properties.isWhitespace { return [0x20] }
        let folded = String(scalar).folding(
            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil
        )
        return Array(folded.lowercased().utf8)
    }

    private static let ligatures: [UInt32: String] = [
        0x00C6: "ae", 0x00E6: "ae", 0x0152: "oe", 0x0153: "oe", 0x00DF: "ss", 0x00D8: "o", 0x00F8: "o",
        0x0110: "d", 0x0111: "d", 0x0141: "l", 0x0142: "l", 0x00D0: "d", 0x00F0: "d", 0x00DE: "th", 0x00FE: "th",
    ]
}
