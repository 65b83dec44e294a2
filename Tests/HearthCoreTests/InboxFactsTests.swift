import HearthCore
import Testing

@Suite("Inbox facts")
struct InboxFactsTests {
    @Test("the facts of a post: the words named for its kind, and how many words it has in any script")
    func facts() {
        let reading = PostReading(
            language: "fr", toxicity: 0.1, feedbackKind: "bug", sentiment: 0.3, noise: 0, counterSpeech: false,
            explanation: """
                toxicity: “nul”; bug: “plante”, “ mise à jour ”, question mark, “https://example.org/a”, \
                “\(String(repeating: "x", count: 31))”;  sentiment: plante (-1.2)
                """)
        let facts = InboxFacts(
            reading: reading, text: "L'appli plante depuis la mise à jour 2.1 — 日本語 ok? déjà-vu", newcomer: true,
            opensTopic: false)
        #expect(facts.cues == ["plante", "mise à jour"], "quoted words only, short and without an address")
        #expect(reading.cues(of: "sentiment").isEmpty)
        #expect(reading.cues(of: "toxicity") == ["nul"])
        #expect(reading.cues(of: "praise").isEmpty)
        // L, appli, plante, depuis, la, mise, à, jour, 2, 1, 日本語, ok, déjà, vu.
        #expect(facts.words == 14)
        #expect(InboxFacts(reading: reading, text: "", newcomer: false, opensTopic: false).words == 0)
        #expect(
            InboxFacts(reading: reading, text: "e\u{301}te\u{301} Ωμέγα", newcomer: false, opensTopic: false).words == 2
        )
    }
}
