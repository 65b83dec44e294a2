import Foundation
import HearthCore
import Testing

@Suite("Text cleanup")
struct TextCleanupTests {
    @Test(
        "line breaks from Windows and old Macs become \\n; text without \\r is untouched",
        arguments: [
            ("a\r\nb\rc\nd", "a\nb\nc\nd"),
            ("\r\r\n\r", "\n\n\n"),
            ("é\r\nü 🔥\r", "é\nü 🔥\n"),
            ("plain\ntext", "plain\ntext"),
            ("", ""),
        ])
    func lineBreaks(input: String, expected: String) {
        #expect(input.unixLineBreaks == expected)
    }

    @Test(
        "trimming matches Foundation's, with and without newlines",
        arguments: [
            "  hello  ", "\n\thello\n", "hello", "x", " ", "", "\u{00A0}non-breaking\u{2003}", "é ", " ü", "a\n",
        ])
    func trimming(input: String) {
        #expect(input.trimmed() == input.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(input.trimmed(newlines: false) == input.trimmingCharacters(in: .whitespaces))
        #expect(input.dropFirst(0).trimmed() == input.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("lines are what splitting at each \"\\n\" character gives, on random text")
    func lines() {
        let alphabet = ["a", "é", "\n", "\r", "\r\n", "\n\u{301}", " ", "🔥", "\u{301}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...10, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            .joined()
            #expect(
                text.lines == text.split(separator: "\n", omittingEmptySubsequences: false),
                "\(Array(text.unicodeScalars))")
        }
    }
}
