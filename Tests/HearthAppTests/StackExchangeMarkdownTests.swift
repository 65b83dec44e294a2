import Foundation
import Testing

@testable import HearthApp

@Suite("Stack Exchange Markdown")
struct StackExchangeMarkdownTests {
    let site = "french.stackexchange.com"

    func convert(_ text: String) -> String {
        StackExchangeMarkdown.convert(text, site: site)
    }

    @Test("reference links become inline links and their definitions go, whatever the labels' case")
    func referenceLinks() {
        let text = """
            See [this answer][1] and [the FAQ][faq], or [Help] and [the guide][].

            ![a picture][2]

              [1]: http://meta.french.stackexchange.com/questions/38/can-stack-exchange-employees/70#70
              [FAQ]: https://french.stackexchange.com/faq "The FAQ"
              [help]: <https://french.stackexchange.com/help>
              [The  Guide]: https://example.org/guide
              [2]: https://i.sstatic.net/abc.png
            """
        #expect(
            convert(text) == """
                See [this answer](http://meta.french.stackexchange.com/questions/38/can-stack-exchange-employees/70#70) \
                and [the FAQ](https://french.stackexchange.com/faq), or [Help](https://french.stackexchange.com/help) \
                and [the guide](https://example.org/guide).

                ![a picture](https://i.sstatic.net/abc.png)
                """)
        #expect(convert("[text] [1]\n\n[1]: https://example.org") == "[text](https://example.org)")
    }

    @Test("labels nobody defined, inline links, code spans and code blocks are left as written")
    func untouched() {
        #expect(convert("an array a[1] and [undefined][9]") == "an array a[1] and [undefined][9]")
        #expect(
            convert("[inline](https://example.org) [1]\n\n[1]: https://x.org")
                == "[inline](https://example.org) [1](https://x.org)")
        #expect(convert("use `x[1]` here\n\n[1]: https://x.org") == "use `x[1]` here")
        let code = "Code:\n\n    let a = b[1]\n    [1]: not a definition\n\n[1]: https://x.org"
        #expect(convert(code) == "Code:\n\n    let a = b[1]\n    [1]: not a definition")
        let fenced = "```\n[tag:swift] [1]\n[1]: https://y.org\n```\n[1]: https://x.org"
        #expect(convert(fenced) == "```\n[tag:swift] [1]\n[1]: https://y.org\n```")
        #expect(
            convert("- item\n\n    continued [1]\n\n[1]: https://x.org") == "- item\n\n    continued [1](https://x.org)"
        )
    }

    @Test("[tag:…] and [meta-tag:…] link to the questions with that tag on the source site, shown as a tag")
    func tags() {
        #expect(
            convert("about [tag:grammaire] and [meta-tag:discussion]")
                == "about [`grammaire`](https://french.stackexchange.com/questions/tagged/grammaire) and "
                + "[`discussion`](https://french.meta.stackexchange.com/questions/tagged/discussion)")
        #expect(
            convert("[tag:ancien-français] [tag:c++]")
                == "[`ancien-français`](https://french.stackexchange.com/questions/tagged/ancien-fran%C3%A7ais) "
                + "[`c++`](https://french.stackexchange.com/questions/tagged/c%2B%2B)")
        #expect(StackExchangeMarkdown.metaSite(of: "french.meta.stackexchange.com") == "french.meta.stackexchange.com")
        #expect(StackExchangeMarkdown.metaSite(of: "stackoverflow.com") == "meta.stackoverflow.com")
        #expect(convert("[tag:has space]") == "[tag:has space]")
    }

    @Test("rules and the rest of the text are kept; trailing blank lines left by the definitions go")
    func rulesKept() {
        #expect(
            convert("one\n\n----------\n\ntwo [x][1]\n\n\n  [1]: https://x.org\n")
                == "one\n\n----------\n\ntwo [x](https://x.org)")
    }
}
