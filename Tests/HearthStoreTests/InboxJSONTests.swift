import Foundation
import HearthCore
import Testing

@testable import HearthStore

@Suite("Inbox JSON")
struct InboxJSONTests {
    static let facts: [InboxFacts] = [
        InboxFacts(),
        InboxFacts(
            feedbackKind: "bug", cues: ["plante", "mise à jour", "say \"hi\"", "back\\slash", "tab\there\n", "\u{01}"],
            toxicity: 0.1, sentiment: 1e-7, noise: 3, counterSpeech: true, words: 42, learned: -2.5,
            learnedWords: ["日本語", "😀"], newcomer: true, firstPost: true, opensTopic: true, answeredBy: "Zoé",
            mentions: ["@camille"], review: ["flagged by 3 members"], heat: ["12 replies in an hour"],
            authorTrolls: 2, authorPertinent: 7, keptBy: "Camille </script>", waited: true),
        InboxFacts(toxicity: 0.970_000_000_000_1, sentiment: 123_456_789.25, learned: -0.0),
    ]

    @Test("the facts written by hand read back as Foundation reads them, with the same keys and values")
    func facts() throws {
        for facts in Self.facts {
            let text = try #require(InboxJSON.encode(facts))
            #expect(try JSONDecoder().decode(InboxFacts.self, from: Data(text.utf8)) == facts, "\(text)")
            let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
            let foundation = try JSONSerialization.jsonObject(with: JSONEncoder().encode(facts)) as? NSDictionary
            #expect(ours == foundation, "\(text)")
        }
    }

    @Test("a number JSON cannot hold is left to Foundation, which refuses it as before")
    func notFinite() {
        #expect(InboxJSON.encode(InboxFacts(toxicity: .nan)) == nil)
        #expect(SQLInboxRepository.encode(InboxFacts(sentiment: .infinity)) == "{}")
    }

    @Test("the reasons written by hand read back as Foundation reads them")
    func reasons() throws {
        let reasons = [
            InboxReason(.newcomerQuestion, raises: true, "A newcomer's \"question\""),
            InboxReason(.waiting, raises: false, "Unanswered for 2 days"),
        ]
        for list in [reasons, []] {
            let text = InboxJSON.encode(list)
            #expect(try JSONDecoder().decode([InboxReason].self, from: Data(text.utf8)) == list, "\(text)")
        }
    }
}
