import Foundation
import HearthCore
import Testing

@testable import HearthApp

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
}
