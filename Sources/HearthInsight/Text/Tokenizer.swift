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

    public func tokens(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 4)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                if tokens.last?.key != "\n" { tokens.append(Token(kind: .punctuation, key: "\n", original: "\n")) }
                index += 1
            } else if Self.isSpace(scalar) || scalar.value == 0xFE0F || scalar.value == 0x200D {
                index += 1
            } else if let end = Self.urlEnd(scalars, from: index) {
                tokens.append(Token(kind: .url, key: "<url>", original: Self.string(scalars[index..<end])))
                index = end
            } else if scalar == "@", index + 1 < scalars.count, Self.isWordScalar(scalars[index + 1]),
                index == 0 || !Self.isWordScalar(scalars[index - 1])
            {
                var end = index + 1
                while end < scalars.count, Self.isWordScalar(scalars[end]) || scalars[end] == "_" { end += 1 }
                tokens.append(Token(kind: .mention, key: "<mention>", original: Self.string(scalars[index..<end])))
                index = end
            } else if Self.emoticonStarts.contains(scalar), let (emoticon, end) = Self.emoticon(scalars, from: index) {
                tokens.append(Token(kind: .emoticon, key: emoticon, original: Self.string(scalars[index..<end])))
                index = end
            } else if Self.isEmoji(scalar) {
                let end = Self.emojiEnd(scalars, from: index)
                tokens.append(Token(kind: .emoji, key: String(scalar), original: Self.string(scalars[index..<end])))
                index = end
            } else if let (word, end) = spelledOut(scalars, from: index) {
                var token = Token(kind: .word, key: word, original: Self.string(scalars[index..<end]))
                token.isObfuscated = true
                tokens.append(token)
                index = end
            } else if Self.isWordScalar(scalar) {
                let end = Self.wordEnd(scalars, from: index)
                Self.appendWord(scalars[index..<end], to: &tokens)
                index = end
            } else if scalar == "!" || scalar == "?" {
                var end = index + 1
                while end < scalars.count, scalars[end] == "!" || scalars[end] == "?" { end += 1 }
                let run = scalars[index..<end]
                let key = run.contains("?") ? (run.contains("!") ? "?!" : "?") : "!"
                tokens.append(Token(kind: .punctuation, key: key, original: Self.string(run)))
                index = end
            } else {
                var key = String.UnicodeScalarView()
                Folding.append(scalar, to: &key)
                tokens.append(Token(kind: .punctuation, key: String(key), original: String(scalar)))
                index += 1
            }
        }
        return tokens
    }

    // MARK: Words

    @inline(__always)
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80
            ? (scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D)) : scalar.properties.isWhitespace
    }

    @inline(__always)
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (scalar.value >= 0x41 && scalar.value <= 0x5A) : scalar.properties.isUppercase
    }

    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x80 ? (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A) : scalar.properties.isAlphabetic
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39)
        }
        return scalar.properties.isAlphabetic || Folding.isCombiningMark(value) || scalar.properties.numericType != nil
    }

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

    private static func appendWord(_ raw: ArraySlice<Unicode.Scalar>, to tokens: inout [Token]) {
        // Hyphens split compounds ("peut-être"), unless every part is one letter ("c-o-n", handled as spelled).
        var part = raw.startIndex
        var cursor = raw.startIndex
        while cursor <= raw.endIndex {
            if cursor == raw.endIndex || raw[cursor] == "-" {
                if cursor > part { appendPart(raw[part..<cursor], to: &tokens) }
                part = cursor + 1
            }
            cursor += 1
        }
    }

    private static func appendPart(_ raw: ArraySlice<Unicode.Scalar>, to tokens: inout [Token]) {
        // French elision: split "l'", "qu'", ... off the front; other apostrophes are dropped ("don't" → "dont").
        if let apostrophe = raw.firstIndex(where: { $0 == "'" || $0 == "\u{2019}" }), apostrophe > raw.startIndex {
            let head = Folding.fold(String(String.UnicodeScalarView(raw[raw.startIndex..<apostrophe])))
            if let expanded = elisions[head], apostrophe + 1 < raw.endIndex {
                let rest = raw[(apostrophe + 1)...]
                let restKey = Folding.fold(String(String.UnicodeScalarView(rest.prefix(3))))
                // Spoken French: "t'es", "t'as" are "tu es", "tu as".
                let key = head == "t" && (restKey.hasPrefix("es") || restKey.hasPrefix("as")) ? "tu" : expanded
                tokens.append(Token(kind: .word, key: key, original: string(raw[raw.startIndex...apostrophe])))
                appendPart(rest, to: &tokens)
                return
            }
        }
        let original = string(raw)
        var key = String.UnicodeScalarView()
        var letters = 0
        var capitals = 0
        var digits = 0
        var obfuscated = false
        var index = raw.startIndex
        while index < raw.endIndex {
            let scalar = raw[index]
            if scalar == "'" || scalar == "\u{2019}" {
                index += 1
                continue
            }
            if let letter = leet(scalar) {
                // A digit or symbol counts as a letter only inside letters: "c0nn4rd", "a$$hole", not "mp3".
                var runEnd = index
                while runEnd < raw.endIndex, leet(raw[runEnd]) != nil { runEnd += 1 }
                if index > raw.startIndex, runEnd < raw.endIndex, isLetter(raw[index - 1]), isLetter(raw[runEnd]) {
                    for leetScalar in raw[index..<runEnd] { key.append(leet(leetScalar) ?? letter) }
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
            Folding.append(scalar, to: &key)
            index += 1
        }
        if letters == 0 && digits > 0 {
            tokens.append(Token(kind: .number, key: "<num>", original: original))
            return
        }
        let squeezed = squeezeElongation(key)
        var token = Token(kind: .word, key: String(squeezed), original: original)
        token.isShouted = letters >= 2 && capitals == letters
        token.isElongated = squeezed.count != key.count
        token.isObfuscated = obfuscated
        tokens.append(token)
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

    /// Runs of three or more of one letter become one: "nuuuul" → "nul", "merciiii" → "merci".
    private static func squeezeElongation(_ key: String.UnicodeScalarView) -> String.UnicodeScalarView {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        var run = 0
        var pending: [Unicode.Scalar] = []
        func flush() {
            if run >= 3, let previous { out.append(previous) } else { out.append(contentsOf: pending) }
            pending.removeAll(keepingCapacity: true)
        }
        for scalar in key {
            if scalar == previous {
                run += 1
            } else {
                flush()
                previous = scalar
                run = 1
            }
            pending.append(scalar)
        }
        flush()
        return out
    }

    // MARK: Spelled-out letters

    /// "c.o.n", "c-o-n", "f*u*c*k", "f u c k": single letters with one repeated separator.
    private func spelledOut(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        guard Self.isLetter(scalars[start]), start + 2 < scalars.count else { return nil }
        let separator = scalars[start + 1]
        guard separator == "." || separator == "-" || separator == "*" || separator == "_" || separator == " " else {
            return nil
        }
        var letters = String.UnicodeScalarView()
        var index = start
        while index < scalars.count, Self.isLetter(scalars[index]),
            index + 1 == scalars.count || !Self.isWordScalar(scalars[index + 1])
        {
            Folding.append(scalars[index], to: &letters)
            guard index + 2 < scalars.count, scalars[index + 1] == separator, Self.isLetter(scalars[index + 2]) else {
                index += 1
                break
            }
            index += 2
        }
        guard letters.count >= 3 else { return nil }
        let word = String(letters)
        if separator == " " && !spelledWords.contains(word) { return nil }
        return (word, index)
    }

    // MARK: URLs, emoticons, emoji

    private static func urlEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start == 0 || !isWordScalar(scalars[start - 1]) else { return nil }
        guard scalars[start] == "h" || scalars[start] == "H" || scalars[start] == "w" || scalars[start] == "W" else {
            return nil
        }
        var prefix = ""
        for offset in 0..<min(8, scalars.count - start) {
            prefix.unicodeScalars.append(scalars[start + offset])
        }
        prefix = prefix.lowercased()
        guard prefix.hasPrefix("http://") || prefix.hasPrefix("https://") || prefix.hasPrefix("www.") else {
            return nil
        }
        var end = start
        while end < scalars.count, !isSpace(scalars[end]) { end += 1 }
        while end > start, ".,;:!?)]}»\"'".unicodeScalars.contains(scalars[end - 1]) { end -= 1 }
        return end
    }

    private static let emoticonStarts: Set<Unicode.Scalar> = [":", ";", "=", "x", "X", "<", "^", "-", ">"]

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

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars))
    }
}
