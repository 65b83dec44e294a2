import Foundation
import Testing

@testable import HearthApp
@testable import HearthCore

/// Watched words matched through the engine's normaliser, without a database.
@Suite("Watched words")
struct WatchedWordTests {
    func word(
        _ pattern: String, _ action: WatchedWord.Action, regex: Bool = false, language: String? = nil,
        replacement: String? = nil
    ) -> WatchedWord {
        WatchedWord(
            id: WatchedWordID(Int64(pattern.count)), language: language, pattern: pattern, isRegex: regex,
            action: action, replacement: replacement, createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test("case, accents, stretching, leetspeak, dots and spacing do not evade a word; other words are left alone")
    func disguises() {
        let list = WatchedWordList([word("scam", .flag), word("buy now", .flag)], normaliser: EngineNormaliser())
        for text in ["SCAM", "scâm", "scaaaam", "sc4m", "s c a m", "s.c.a.m", "a real scam!", "Buy   NOW"] {
            #expect(!list.match(text, language: "en").flagged.isEmpty, "\(text)")
        }
        for text in ["scamper", "escaped", "scan", "buy it now", "sca m"] {
            #expect(list.match(text, language: "en").flagged.isEmpty, "\(text)")
        }
    }

    @Test("a replacement keeps the rest of the text as written, several times over")
    func replace() {
        let list = WatchedWordList(
            [
                word("darn", .replace, replacement: "gosh"),
                word(#"\d{4}-\d{4}"#, .replace, regex: true, replacement: "[number]"),
            ],
            normaliser: EngineNormaliser())
        #expect(
            list.match("Darn! Call 5555-1234, DAAARN it, darn.", language: "en").text
                == "gosh! Call [number], gosh it, gosh.")
        #expect(list.match("Rien à voir — é ü", language: "fr").text == "Rien à voir — é ü")
    }

    @Test("a regular expression that runs too long is stopped within its time limit and reported")
    func timeLimit() throws {
        let list = WatchedWordList([word("(x+x+)+y", .block, regex: true)], normaliser: EngineNormaliser())
        let start = Date()
        let found = list.match(String(repeating: "x", count: 5_000), language: nil)
        #expect(Date().timeIntervalSince(start) < 2, "stopped near WatchedWordList.timeLimit")
        #expect(found.timedOut.count == 1 && found.blocked.isEmpty)
        #expect(throws: HearthError.self) { try WatchedWordList.check("(x+x+)+y") }
        try WatchedWordList.check(#"\bpromo\d+\b"#)
    }

    @Test("an expression's required letters skip texts that cannot match, and never one that can")
    func prefilter() {
        func required(_ pattern: String) -> String? {
            WatchedWordList.requiredLiteral(pattern).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(required(#"\bPromo[0-9]+\b"#) == "promo")
        #expect(required(#"www\.spam\.com"#) == "www.spam.com")
        #expect(required("colou?r") == "colo", "the u may be absent")
        #expect(required("ab+cd") == "ab", "\"abbcd\" holds ab and cd but not abcd")
        #expect(required("buy[0-9]{2,}now") == "buy")
        #expect(required("[[a-z]&&[^aeiou]]") == nil && required("[[:digit:]xy]+") == nil, "sets within sets")
        #expect(required("free|cheap") == nil && required("(free)? gift") == nil && required(#"\x41bc"#) == nil)
        let list = WatchedWordList(
            [word(#"\bpromo\d+\b"#, .flag, regex: true), word("colou?r", .flag, regex: true)],
            normaliser: EngineNormaliser())
        for text in ["PROMO2024 inside", "a Colour", "pr0mo42", "ćolor"] {
            #expect(list.match(text, language: "en").flagged.count == 1, "\(text)")
        }
        let digits = WatchedWordList([word("[[:digit:]xy]+", .flag, regex: true)], normaliser: EngineNormaliser())
        #expect(digits.match("room 5", language: "en").flagged.count == 1)
        for text in ["promotion", "no code here"] {
            #expect(list.match(text, language: "en").flagged.isEmpty, "\(text)")
        }
        #expect(WatchedWordList.prefilterBytes("a ſale, straße") == nil, "ſ matches s, ß ss: every expression runs")
        #expect(WatchedWordList.prefilterBytes("Plain TEXT") == Array("plain text".utf8))
        let folded = WatchedWordList([word("strasse", .flag, regex: true)], normaliser: EngineNormaliser())
        #expect(folded.match("Die Straße", language: nil).flagged.count == 1, "what the expression finds is found")
    }

    @Test("links and brand words are found the same in plain ASCII and in accented text")
    func asciiSearch() {
        #expect(ModerationGate.hasLink("See HTTPS://example.org") && ModerationGate.hasLink("à WWW.exemple.fr"))
        #expect(!ModerationGate.hasLink("a path /uploads/x.png, no link, wwwx"))
        let rules = InboxRules(brandWords: ["Hearth", "Été"])
        #expect(rules.brandMentions(in: "I love HEARTH, really") == ["Hearth"])
        #expect(rules.brandMentions(in: "hearthstone and ahearth") == [])
        #expect(rules.brandMentions(in: "Hearth, l'été") == ["Hearth", "Été"])
        #expect(rules.brandMentions(in: "ete et hearth") == ["Hearth", "Été"], "accents ignored as before")
    }
}
