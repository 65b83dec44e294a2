/// Splits forum text into tokens and undoes the usual ways people write around filters.
///
/// Handles French elisions ("l'école" → "le", "ecole"; "t'es" → "tu", "es"), hyphenation ("peut-être"),
/// English contractions ("don't" → "dont"), elongation ("nuuuul"), leetspeak ("c0nn4rd"), spaced or dotted
/// letters ("c.o.n", "f u c k"), and keeps URLs, mentions, emoji and emoticons as tokens of their own.
public struct Tokenizer: Sendable {
    /// Words that spaced-out letters may spell ("c o n"); with spaces, only these are joined, since ordinary
    /// text has runs of single letters too. Dotted or dashed letters are always joined.
    public var spelledWords: Set<String>

    public init(spelledWords: Set<String> = []) {
        self.spelledWords = spelledWords
    }

    public func tokens(_ text: String) -> TokenList {
        let source = Source(text)
        let scalars = source.scalars
        var output = Output(source)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                if output.tokens.last?.marks.contains(.newline) != true {
                    output.append(.punctuation, key: "\n".utf8, index..<(index + 1))
                }
                index += 1
            } else if Self.isSpace(scalar) || scalar.value == 0xFE0F || scalar.value == 0x200D {
                index += 1
            } else if let end = Self.urlEnd(scalars, from: index) {
                output.append(.url, key: "<url>".utf8, index..<end)
                index = end
            } else if scalar == "@", index + 1 < scalars.count, Self.isWordScalar(scalars[index + 1]),
                index == 0 || !Self.isWordScalar(scalars[index - 1])
            {
                var end = index + 1
                while end < scalars.count, Self.isWordScalar(scalars[end]) || scalars[end] == "_" { end += 1 }
                output.append(.mention, key: "<mention>".utf8, index..<end)
                index = end
            } else if Self.mayStartEmoticon(scalar), let (emoticon, end) = Self.emoticon(scalars, from: index) {
                output.append(.emoticon, key: emoticon.utf8, index..<end)
                index = end
            } else if Self.isEmoji(scalar) {
                let end = Self.emojiEnd(scalars, from: index)
                output.append(.emoji, key: UTF8.encode(scalar)!, index..<end)
                index = end
            } else if let (end, keyStart) = spelledOut(scalars, from: index, into: &output.keys) {
                output.appendToken(.word, keyFrom: keyStart, index..<end)
                output.tokens[output.tokens.count - 1].isObfuscated = true
                index = end
            } else if Self.isWordScalar(scalar) {
                let end = Self.wordEnd(scalars, from: index)
                Self.appendWord(index..<end, to: &output)
                index = end
            } else if scalar == "!" || scalar == "?" {
                var end = index + 1
                while end < scalars.count, scalars[end] == "!" || scalars[end] == "?" { end += 1 }
                let run = scalars[index..<end]
                let key = run.contains("?") ? (run.contains("!") ? "?!" : "?") : "!"
                output.append(.punctuation, key: key.utf8, index..<end)
                index = end
            } else {
                let start = output.keys.count
                Folding.append(scalar, to: &output.keys)
                output.appendToken(.punctuation, keyFrom: start, index..<(index + 1))
                index += 1
            }
        }
        return TokenList(tokens: output.tokens, keyBytes: output.keys, utf8: source.utf8)
    }

    // MARK: Words

    @inline(__always)
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        // Latin-1: only NEL and the no-break space; French text is full of these scalars, so skip the lookup.
        if value < 0x100 { return value == 0x85 || value == 0xA0 }
        return scalar.properties.isWhitespace
    }

    @inline(__always)
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value >= 0x41 && value <= 0x5A }
        // Latin-1: À…Þ are capitals, except ×.
        if value >= 0xC0 && value <= 0xFF { return value <= 0xDE && value != 0xD7 }
        return scalar.properties.isUppercase
    }

    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value | 0x20 >= 0x61 && value | 0x20 <= 0x7A }
        if value >= 0xC0 && value <= 0xFF { return value != 0xD7 && value != 0xF7 }
        return scalar.properties.isAlphabetic
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A) || (value >= 0x30 && value <= 0x39)
        }
        return isNonASCIIWordScalar(scalar)
    }

    private static func isNonASCIIWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        // Latin-1 letters (except × and ÷) are the common case in French; skip the property lookup for them. Below
        // them, only ª, µ, º, the superscript digits and the vulgar fractions are letters or numbers (« » are not).
        if value >= 0xC0 && value <= 0xFF { return value != 0xD7 && value != 0xF7 }
        if value < 0xC0 {
            return value == 0xAA || value == 0xB5 || value == 0xBA || value == 0xB2 || value == 0xB3 || value == 0xB9
                || (value >= 0xBC && value <= 0xBE)
        }
        return scalar.properties.isAlphabetic || Folding.isCombiningMark(value) || scalar.properties.numericType != nil
    }

    @inline(__always)
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        isWordScalar(scalar) && !(scalar.value >= 0x30 && scalar.value <= 0x39)
    }

    /// Characters that join a word when letters stand on both sides: apostrophes, hyphens, and the symbols
    /// leetspeak and self-censoring use ("b@stard", "a$$hole", "f*ck").
    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "'", "\u{2019}", "-", "@", "$", "*": true
        default: false
        }
    }

    private static func wordEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count {
            if isWordScalar(scalars[end]) {
                end += 1
                continue
            }
            // A run of joiners counts only when a word character follows it ("a$$hole", "f**k").
            var after = end
            while after < scalars.count, isJoiner(scalars[after]) { after += 1 }
            guard after > end, after < scalars.count, isWordScalar(scalars[after]) else { break }
            end = after
        }
        return end
    }

    private static let elisions: [String: String] = [
        "l": "le", "d": "de", "j": "je", "m": "me", "n": "ne", "s": "se", "t": "te", "c": "ce", "qu": "que",
        "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque", "quoiqu": "quoique",
    ]

    private static func appendWord(_ range: Range<Int>, to output: inout Output) {
        // Hyphens split compounds ("peut-être"), unless every part is one letter ("c-o-n", handled as spelled).
        var part = range.lowerBound
        for cursor in range where output.source.scalars[cursor] == "-" {
            if cursor > part { appendPart(part..<cursor, to: &output) }
            part = cursor + 1
        }
        if range.upperBound > part { appendPart(part..<range.upperBound, to: &output) }
    }

    private static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}"
    }

    private static func appendPart(_ range: Range<Int>, to output: inout Output) {
        let raw = output.source.scalars[range]
        // French elision: split "l'", "qu'", ... off the front; other apostrophes are dropped ("don't" → "dont").
        if let apostrophe = raw.firstIndex(where: isApostrophe), apostrophe > raw.startIndex,
            apostrophe + 1 < raw.endIndex
        {
            let start = output.keys.count
            for scalar in raw[raw.startIndex..<apostrophe] { Folding.append(scalar, to: &output.keys) }
            let elided = String(decoding: output.keys[start...], as: UTF8.self)
            output.keys.removeLast(output.keys.count - start)
            if let expanded = elisions[elided] {
                // Spoken French: "t'es", "t'as" are "tu es", "tu as".
                let next = raw[apostrophe + 1].value | 0x20
                let spoken =
                    elided == "t" && (next == 0x65 || next == 0x61)
                    && apostrophe + 2 < raw.endIndex && raw[apostrophe + 2].value | 0x20 == 0x73
                output.append(.word, key: (spoken ? "tu" : expanded).utf8, raw.startIndex..<(apostrophe + 1))
                appendPart((apostrophe + 1)..<raw.endIndex, to: &output)
                return
            }
        }
        let start = output.keys.count
        var letters = 0
        var capitals = 0
        var digits = 0
        var obfuscated = false
        var index = raw.startIndex
        while index < raw.endIndex {
            let scalar = raw[index]
            if isApostrophe(scalar) {
                index += 1
                continue
            }
            if let letter = leet(scalar) {
                // A digit or symbol counts as a letter only inside letters: "c0nn4rd", "a$$hole", not "mp3".
                var runEnd = index
                while runEnd < raw.endIndex, leet(raw[runEnd]) != nil { runEnd += 1 }
                if index > raw.startIndex, runEnd < raw.endIndex, isLetter(raw[index - 1]), isLetter(raw[runEnd]) {
                    for leetScalar in raw[index..<runEnd] {
                        output.keys.append(UInt8((leet(leetScalar) ?? letter).value))
                    }
                    obfuscated = true
                    letters += runEnd - index
                    index = runEnd
                    continue
                }
            }
            if scalar.value >= 0x30 && scalar.value <= 0x39 {
                digits += 1
            } else if isAlphabetic(scalar) {
                letters += 1
                if isUppercase(scalar) { capitals += 1 }
            }
            Folding.append(scalar, to: &output.keys)
            index += 1
        }
        if letters == 0 && digits > 0 {
            output.keys.removeLast(output.keys.count - start)
            output.append(.number, key: "<num>".utf8, range)
            return
        }
        let elongated = squeezeElongation(&output.keys, from: start)
        output.appendToken(.word, keyFrom: start, range)
        output.tokens[output.tokens.count - 1].isShouted = letters >= 2 && capitals == letters
        output.tokens[output.tokens.count - 1].isElongated = elongated
        output.tokens[output.tokens.count - 1].isObfuscated = obfuscated
    }

    private static func leet(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "0": "o"
        case "1": "i"
        case "3": "e"
        case "4", "@": "a"
        case "5", "$": "s"
        case "7": "t"
        case "8": "b"
        default: nil
        }
    }

    /// Runs of three or more of one letter become one: "nuuuul" → "nul", "merciiii" → "merci". Works in place on
    /// a folded key's UTF-8, `bytes[start...]`, and says whether anything was squeezed.
    static func squeezeElongation(_ bytes: inout [UInt8], from start: Int) -> Bool {
        guard bytes.count - start >= 3 else { return false }
        // Most words are ASCII without a tripled letter: say so without building anything.
        let plain = bytes.withUnsafeBufferPointer { bytes in
            guard bytes[start] < 0x80 else { return false }
            var run = 1
            for position in (start + 1)..<bytes.count {
                guard bytes[position] < 0x80 else { return false }
                run = bytes[position] == bytes[position - 1] ? run + 1 : 1
                if run == 3 { return false }
            }
            return true
        }
        if plain { return false }
        let key = Array(bytes[start...])
        var out: [Unicode.Scalar] = []
        var run: [Unicode.Scalar] = []
        func flush() {
            if run.count >= 3 { out.append(run[0]) } else { out.append(contentsOf: run) }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in String(decoding: key, as: UTF8.self).unicodeScalars {
            if scalar != run.last { flush() }
            run.append(scalar)
        }
        flush()
        var squeezed: [UInt8] = []
        for scalar in out { squeezed.append(contentsOf: UTF8.encode(scalar)!) }
        guard squeezed.count != key.count else { return false }
        bytes.replaceSubrange(start..., with: squeezed)
        return true
    }

    // MARK: Spelled-out letters

    /// "c.o.n", "c-o-n", "f*u*c*k", "f u c k": single letters with one repeated separator. The folded word is
    /// appended to `letters`; the result is where the word ends and where its letters start. When the letters spell
    /// nothing, `letters` is left as it was.
    private func spelledOut(
        _ scalars: [Unicode.Scalar], from start: Int, into letters: inout [UInt8]
    ) -> (end: Int, lettersStart: Int)? {
        guard start + 2 < scalars.count, Self.isLetter(scalars[start]) else { return nil }
        let separator = scalars[start + 1]
        guard separator == "." || separator == "-" || separator == "*" || separator == "_" || separator == " " else {
            return nil
        }
        let lettersStart = letters.count
        var count = 0
        var index = start
        while index < scalars.count, Self.isLetter(scalars[index]),
            index + 1 == scalars.count || !Self.isWordScalar(scalars[index + 1])
        {
            Folding.append(scalars[index], to: &letters)
            count += 1
            guard index + 2 < scalars.count, scalars[index + 1] == separator, Self.isLetter(scalars[index + 2]) else {
                index += 1
                break
            }
            index += 2
        }
        let spelled =
            count >= 3
            && (separator != " " || spelledWords.contains(String(decoding: letters[lettersStart...], as: UTF8.self)))
        if !spelled { letters.removeLast(letters.count - lettersStart) }
        return spelled ? (index, lettersStart) : nil
    }

    // MARK: URLs, emoticons, emoji

    private static func urlEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let first = scalars[start].value | 0x20
        guard first == 0x68 || first == 0x77, start == 0 || !isWordScalar(scalars[start - 1]) else { return nil }
        guard
            hasLowercasedPrefix(scalars, at: start, "http://") || hasLowercasedPrefix(scalars, at: start, "https://")
                || hasLowercasedPrefix(scalars, at: start, "www.")
        else { return nil }
        var end = start
        while end < scalars.count, !isSpace(scalars[end]) { end += 1 }
        while end > start, ".,;:!?)]}»\"'".unicodeScalars.contains(scalars[end - 1]) { end -= 1 }
        return end
    }

    /// Whether the scalars at `start` spell `prefix` (ASCII, lower case) in any case.
    private static func hasLowercasedPrefix(_ scalars: [Unicode.Scalar], at start: Int, _ prefix: StaticString) -> Bool
    {
        guard start + prefix.utf8CodeUnitCount <= scalars.count else { return false }
        return prefix.withUTF8Buffer { bytes in
            for (offset, byte) in bytes.enumerated() {
                var value = scalars[start + offset].value
                if value >= 0x41 && value <= 0x5A { value += 32 }
                if value != UInt32(byte) { return false }
            }
            return true
        }
    }

    private static func mayStartEmoticon(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ":", ";", "=", "x", "X", "<", "^", "-", ">": true
        default: false
        }
    }

    private static let emoticons: [(String, String)] = [
        (":-)", ":)"), (":)", ":)"), ("=)", ":)"), (":-(", ":("), (":(", ":("), (":'(", ":'("), (":-D", ":D"),
        (":D", ":D"), ("xD", "xD"), ("XD", "xD"), (";-)", ";)"), (";)", ";)"), (":-P", ":P"), (":P", ":P"),
        (":p", ":P"), (":-/", ":/"), (":/", ":/"), (":-|", ":|"), (":|", ":|"), (":o", ":O"), (":O", ":O"),
        ("<3", "<3"), ("^^", "^^"), ("^_^", "^^"), ("-_-", "-_-"), (">:(", ">:("),
    ]

    private static func emoticon(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        guard start == 0 || isSpace(scalars[start - 1]) else { return nil }
        for (form, key) in emoticons {
            let end = start + form.unicodeScalars.count
            guard end <= scalars.count, scalars[start..<end].elementsEqual(form.unicodeScalars) else { continue }
            if end == scalars.count || !isWordScalar(scalars[end]) { return (key, end) }
        }
        return nil
    }

    private static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0xFF && (scalar.properties.isEmojiPresentation || scalar.properties.isEmoji)
            && !scalar.properties.isAlphabetic
    }

    /// The end of an emoji sequence: variation selectors, skin tones, tags, and ZWJ-joined emoji belong to it.
    private static func emojiEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start + 1
        while end < scalars.count {
            let value = scalars[end].value
            if value == 0xFE0F || scalars[end].properties.isEmojiModifier || (0xE0020...0xE007F).contains(value) {
                end += 1
            } else if value == 0x200D, end + 1 < scalars.count {
                end += 2
            } else {
                break
            }
        }
        return end
    }
}
