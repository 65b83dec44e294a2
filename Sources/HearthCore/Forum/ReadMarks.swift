import Synchronization

/// How far each member is known to have read each topic, as this process last stored it, so that reading a
/// page again (the common case) costs no database round trip at all.
///
/// Read positions only ever grow, so a remembered position is never ahead of the store: when it already covers
/// a page, nothing needs writing; otherwise the store is asked as before. Memory is bounded by forgetting
/// everything when `capacity` pairs are held, which costs one extra query per pair afterwards, not a mistake.
final class ReadMarks: Sendable {
    private struct Pair: Hashable {
        let member: Int64
        let topic: Int64
    }

    private let marks = Mutex<[Pair: Int]>([:])
    private let capacity: Int

    /// 50,000 pairs is about 2 MiB: every topic a few hundred active members read in a day.
    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    func covers(_ topic: TopicID, upTo number: Int, by member: MemberID) -> Bool {
        marks.withLock { ($0[Pair(member: member.rawValue, topic: topic.rawValue)] ?? 0) >= number }
    }

    func record(_ topic: TopicID, upTo number: Int, by member: MemberID) {
        marks.withLock { marks in
            if marks.count >= capacity { marks.removeAll(keepingCapacity: true) }
            let pair = Pair(member: member.rawValue, topic: topic.rawValue)
            marks[pair] = max(marks[pair] ?? 0, number)
        }
    }
}
