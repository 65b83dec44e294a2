import Testing

@testable import HearthCore

@Suite("Remembered read positions")
struct ReadMarksTests {
    @Test("a remembered position covers pages up to it, never past it, and only for its member and topic")
    func covers() {
        let marks = ReadMarks()
        let topic = TopicID(1)
        let ana = MemberID(1)
        #expect(!marks.covers(topic, upTo: 1, by: ana))
        marks.record(topic, upTo: 20, by: ana)
        #expect(marks.covers(topic, upTo: 20, by: ana))
        #expect(!marks.covers(topic, upTo: 21, by: ana))
        #expect(!marks.covers(TopicID(2), upTo: 1, by: ana))
        #expect(!marks.covers(topic, upTo: 1, by: MemberID(2)))
        marks.record(topic, upTo: 5, by: ana)
        #expect(marks.covers(topic, upTo: 20, by: ana), "recording an earlier page does not move it back")
    }

    @Test("when full it forgets, which only means asking the store again")
    func bounded() {
        let marks = ReadMarks(capacity: 3)
        for topic in 1...3 { marks.record(TopicID(Int64(topic)), upTo: 1, by: MemberID(1)) }
        #expect(marks.covers(TopicID(3), upTo: 1, by: MemberID(1)))
        marks.record(TopicID(4), upTo: 1, by: MemberID(1))
        #expect(!marks.covers(TopicID(1), upTo: 1, by: MemberID(1)))
        #expect(marks.covers(TopicID(4), upTo: 1, by: MemberID(1)))
    }
}
