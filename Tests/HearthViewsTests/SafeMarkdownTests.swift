import Foundation
import Testing

@testable import HearthViews

@Suite("Safe Markdown")
struct SafeMarkdownTests {
    let markdown = SafeMarkdown()

    func html(_ text: String, mentions: Set<String> = []) -> String {
        markdown.cook(text, mentions: mentions)
    }

    @Test("paragraphs, line breaks, emphasis, strong and inline code")
    func inline() {
        #expect(html("Hello *there* and **you**") == "<p>Hello <em>there</em> and <strong>you</strong></p>\n")
        #expect(html("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>\n")
        #expect(html("use `a < b` here") == "<p>use <code>a &lt; b</code> here</p>\n")
        #expect(html("snake_case_name stays") == "<p>snake_case_name stays</p>\n")
        #expect(html("_lean_ and __bold__") == "<p><em>lean</em> and <strong>bold</strong></p>\n")
        #expect(html("2 * 3 * 4") == "<p>2 * 3 * 4</p>\n")
        #expect(html(#"\*not em\*"#) == "<p>*not em*</p>\n")
    }

    @Test("raw HTML is shown as typed, never passed through")
    func rawHTML() {
        #expect(html("<b>bold</b> & co") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>\n")
    }

    @Test("code blocks, block quotes and lists")
    func blocks() {
        #expect(
            html("```swift\nlet x = \"<y>\"\n```")
                == "<pre><code class=\"language-swift\">let x = &quot;&lt;y&gt;&quot;</code></pre>\n")
        #expect(html("    indented\n    code") == "<pre><code>indented\ncode</code></pre>\n")
        #expect(
            html("> quoted\n> **text**\n\nafter")
                == "<blockquote><p>quoted<br>\n<strong>text</strong></p>\n</blockquote>\n<p>after</p>\n")
        #expect(html("- one\n- two") == "<ul><li>one</li><li>two</li></ul>\n")
        #expect(html("3. three\n4. four") == "<ol start=\"3\"><li>three</li><li>four</li></ol>\n")
        #expect(html("- outer\n  - inner") == "<ul><li><p>outer</p>\n<ul><li>inner</li></ul>\n</li></ul>\n")
        #expect(html("Text\n- item") == "<p>Text</p>\n<ul><li>item</li></ul>\n")
        #expect(
            html("> quoted\nlazy line\n\nafter")
                == "<blockquote><p>quoted<br>\nlazy line</p>\n</blockquote>\n<p>after</p>\n")
        #expect(html("hard  \nbreak") == "<p>hard<br>\nbreak</p>\n")
    }

    @Test("a line of three or more -, * or _ is a horizontal rule, even under text or among list items")
    func horizontalRules() {
        #expect(html("above\n\n---\n\nbelow") == "<p>above</p>\n<hr>\n<p>below</p>\n")
        #expect(html("***") == "<hr>\n")
        #expect(html(" _ _ _ ") == "<hr>\n")
        #expect(html("text\n---\nmore") == "<p>text</p>\n<hr>\n<p>more</p>\n")
        #expect(html("- one\n* * *\n- two") == "<ul><li>one</li></ul>\n<hr>\n<ul><li>two</li></ul>\n")
        #expect(html("--") == "<p>--</p>\n")
        #expect(html("    ---") == "<pre><code>---</code></pre>\n")
    }

    @Test("links are http, https, mailto or a path on this site, marked nofollow ugc; bare URLs become links")
    func links() {
        #expect(
            html("[site](https://example.org/a?b=1&c=2)")
                == "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">site</a></p>\n")
        #expect(html("[mail](mailto:cm@example.org)").contains("href=\"mailto:cm@example.org\""))
        #expect(html("[bad](javascript:alert(1))") == "<p>bad</p>\n")
        #expect(html("[ftp](ftp://example.org)") == "<p>ftp</p>\n")
        #expect(html("[the board](/feedback/6)").contains("<a href=\"/feedback/6\""), "a path on this site")
        #expect(html("[away](//evil.example/x)") == "<p>away</p>\n", "not another host without a scheme")
        #expect(
            html("see https://example.org/page_(1).")
                == "<p>see <a href=\"https://example.org/page_(1)\" rel=\"nofollow ugc noopener\">https://example.org/page_(1)</a>.</p>\n"
        )
    }

    @Test("images come from our uploads or https only")
    func images() {
        #expect(
            html("![a cat](/uploads/ab/cd.png)")
                == "<p><img src=\"/uploads/ab/cd.png\" alt=\"a cat\" loading=\"lazy\"></p>\n")
        #expect(html("![x](https://example.org/x.png)").contains("<img src=\"https://example.org/x.png\""))
        #expect(!html("![x](http://example.org/x.png)").contains("<img"))
        #expect(!html("![x](/uploads/../secret)").contains("<img"))
    }

    @Test("only handles of real members become mention links")
    func mentions() {
        #expect(
            html("thanks @Camille and @nobody", mentions: ["camille"])
                == "<p>thanks <a class=\"mention\" href=\"/u/camille\">@camille</a> and @nobody</p>\n")
        #expect(html("mail me at ana@camille.org", mentions: ["camille"]) == "<p>mail me at ana@camille.org</p>\n")
    }

    @Test("excerpts drop markup, code and quoted text and cut at a word")
    func excerpts() {
        let text = "> earlier words\n\nI **really** like [this page](https://example.org) a lot\n```\ncode\n```"
        #expect(markdown.excerpt(text, maximumLength: 200) == "I really like this page a lot")
        #expect(markdown.excerpt(text, maximumLength: 15) == "I really like…")
    }

    @Test("an underscore inside a word stays in the excerpt a quote shows; emphasis underscores go")
    func excerptKeepsIntrawordUnderscores() {
        #expect(
            markdown.excerpt("thanks @camille_cm for snake_case", maximumLength: 200)
                == "thanks @camille_cm for snake_case")
        #expect(
            markdown.excerpt("_lean_ and __bold__ and _@camille_cm_", maximumLength: 200)
                == "lean and bold and @camille_cm")
    }

    @Test("excerpts keep list items apart and leave out horizontal rules")
    func excerptListItems() {
        #expect(
            markdown.excerpt("What we need:\n\n- flour\n- sugar\n* eggs", maximumLength: 200)
                == "What we need: flour · sugar · eggs")
        #expect(markdown.excerpt("Steps\n1. mix\n2. bake", maximumLength: 200) == "Steps · 1. mix · 2. bake")
        #expect(markdown.excerpt("above\n\n---\n\nbelow", maximumLength: 200) == "above below")
    }

    @Test("none of the XSS corpus produces a live tag, handler or script address")
    func xssCorpus() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/xss-payloads", withExtension: "txt"))
        let payloads = try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("# ") }
            .map { $0.replacingOccurrences(of: "\\n", with: "\n") }
        #expect(payloads.count >= 100)
        for payload in payloads {
            for output in [html(payload, mentions: ["admin"]), html("- " + payload), html("> *" + payload + "*")] {
                let problems = HTMLAudit.problems(in: output)
                #expect(problems.isEmpty, "\(payload) → \(output): \(problems)")
                #expect(!output.lowercased().contains("<script"))
            }
        }
    }

    @Test("random Markdown never crashes and always gives balanced, allowed HTML")
    func fuzz() {
        let pieces = [
            "*", "**", "_", "`", "```", "[", "]", "(", ")", "![", "<", ">", "> ", "\"", "'", "&", "@ana", "@", "\\",
            "\n", "\n\n", " ", "  ", "    ", "\t", "- ", "1. ", "12) ", "http://", "https://x.org/", "javascript:",
            "mailto:", "a", "word", "é", "🙂", "~~~", "#", "/uploads/a.png", ".", "\u{0}", "\u{200B}",
        ]
        var generator = SplitMix(seed: 0x4845_4152_5448)
        for _ in 0..<3_000 {
            let length = Int(generator.next() % 40)
            let text = (0..<length).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let output = html(text, mentions: ["ana"])
            let problems = HTMLAudit.problems(in: output)
            #expect(problems.isEmpty, "\(text.debugDescription) → \(output.debugDescription): \(problems)")
        }
    }

    @Test("plain text takes a short path that writes exactly what the full renderer writes")
    func plainTextShortPath() {
        let pieces = [
            "Merci", "word", "école", "Ça", "ß", "x", " ", "  ", "\t", ".", ",", ":", ";", "?", "!", "&", "\"", "'",
            "<",
            ">", "-", "#", "~", "(", ")", "/", "%", "=", "+", "|", "1", "42", "\n", "\n\n", "\n  \n", "\u{A0}",
            "\u{2028}", "\u{301}", "🙂", "\u{0}", "*", "_", "`", "[", "@ana", "\\", "http://x.org", "HTTPS://x.org",
        ]
        var generator = SplitMix(seed: 0x504C_4149_4E)
        var shortPaths = 0
        for _ in 0..<5_000 {
            // Mostly words and spaces, so that most texts qualify; now and then a character that needs Markdown.
            let length = Int(generator.next() % 24)
            let text = (0..<length).map { position in
                let index = Int(generator.next() % UInt64(pieces.count))
                return position % 2 == 0 ? pieces[index % 5] : pieces[index]
            }.joined()
            guard let short = SafeMarkdown.plainParagraphs(text) else { continue }
            shortPaths += 1
            let full = markdown.cookMarkdown(text, mentions: ["ana"])
            #expect(short == full, "\(text.debugDescription): \(short.debugDescription) ≠ \(full.debugDescription)")
        }
        #expect(shortPaths > 500)
        #expect(SafeMarkdown.plainParagraphs("*really*") == nil)
        #expect(SafeMarkdown.plainParagraphs("see https://example.org") == nil)
        #expect(SafeMarkdown.plainParagraphs("- item") == nil)
        #expect(
            html("Fish & chips <3\nsecond line\n\nNext")
                == "<p>Fish &amp; chips &lt;3<br>\nsecond line</p>\n<p>Next</p>\n")
    }

    @Test("pathological input renders in reasonable time")
    func adversarial() {
        let clock = ContinuousClock()
        for text in [
            String(repeating: "*a", count: 8_000), String(repeating: "[", count: 16_000),
            String(repeating: "> ", count: 5_000) + "x", String(repeating: "- ", count: 5_000),
            String(repeating: "`a", count: 8_000), String(repeating: "_a_b", count: 4_000),
        ] {
            let elapsed = clock.measure { _ = html(text) }
            #expect(elapsed < .seconds(2), "\(text.prefix(10))… took \(elapsed)")
        }
    }
}

/// A small deterministic generator for the fuzz test (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9BB3_133E_B049
        return z ^ (z >> 31)
    }
}

@Suite("Search snippets")
struct HighlighterTests {
    @Test("snippets mark the matching words, accent-insensitively, and escape the rest")
    func marks() {
        let body = "Intro words here. Then <b>the</b> **École** opens, and schools close early; more text after."
        let snippet = Highlighter.snippet(body, terms: ["ecole", "school"], length: 80)
        #expect(snippet.contains("<mark>École</mark>"))
        #expect(snippet.contains("<mark>schools</mark>"))
        #expect(snippet.contains("&lt;b&gt;the&lt;/b&gt;"))
        #expect(
            HTMLAudit.problems(
                in: snippet.replacingOccurrences(of: "<mark>", with: "<em>")
                    .replacingOccurrences(of: "</mark>", with: "</em>")
            ).isEmpty)
    }

    @Test("a long post's snippet starts eight words before the first match and stops when it is full")
    func longPost() {
        let filler = (1...3_000).map { "w\($0)" }.joined(separator: " ")
        let body = filler + "\n\n- the **bicycle** chain\n" + filler
        let snippet = Highlighter.snippet(body, terms: ["bicycl"], length: 60)
        #expect(snippet.hasPrefix("… w2995 w2996"))
        #expect(snippet.contains("w3000 · the <mark>bicycle</mark> chain w1…"))
        let text = snippet.replacingOccurrences(of: "<mark>", with: "").replacingOccurrences(of: "</mark>", with: "")
        #expect(text.count <= 60 + "… …".count)
    }

    @Test("a post whose text does not match (the title did) shows its first words")
    func noMatch() {
        #expect(Highlighter.snippet("Hello there, `friend`.", terms: ["bicycl"]) == "Hello there, friend.")
        #expect(Highlighter.snippet("one two three four", terms: ["zzz"], length: 12) == "one two…")
    }
}
