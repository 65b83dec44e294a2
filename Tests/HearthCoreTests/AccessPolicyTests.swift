import Foundation
import HearthCore
import Testing

@Suite("Access policy")
struct AccessPolicyTests {
    let policy = AccessPolicy()
    /// 2026-11-24 20:30 in Paris (19:30 UTC).
    let evening = Date(timeIntervalSince1970: 1_795_548_600)

    func viewer(_ role: Role, credential: Viewer.Credential = .session(SessionID(1)), grants: [Grant] = []) -> Viewer {
        Viewer(
            member: Member(
                id: MemberID(7), email: "m@example.org", handle: "m", displayName: "M", role: role, language: nil,
                createdAt: evening),
            credential: credential, grants: grants)
    }

    @Test("anonymous visitors may read and nothing else")
    func anonymous() {
        #expect(policy.decide(nil, .readCommunity, at: evening).isAllowed)
        #expect(!policy.decide(nil, .post, at: evening).isAllowed)
        #expect(throws: HearthError.unauthorized("Please log in first.")) {
            try policy.authorize(nil, .post, at: evening)
        }
    }

    @Test("roles give their defaults")
    func roles() {
        #expect(policy.decide(viewer(.member), .post, at: evening).isAllowed)
        #expect(!policy.decide(viewer(.member), .moderate, at: evening).isAllowed)
        #expect(policy.decide(viewer(.moderator), .moderate, at: evening).isAllowed)
        #expect(!policy.decide(viewer(.moderator), .administer, at: evening).isAllowed)
        #expect(policy.decide(viewer(.communityManager), .administer, at: evening).isAllowed)
        #expect(policy.decide(viewer(.member), .editOwnProfile, on: .member(MemberID(7)), at: evening).isAllowed)
        #expect(!policy.decide(viewer(.member), .editOwnProfile, on: .member(MemberID(8)), at: evening).isAllowed)
    }

    @Test("a read-scoped API key cannot act, whatever its owner's role")
    func readOnlyKey() {
        let key = viewer(.communityManager, credential: .apiKey(APIKeyID(1), .read))
        #expect(policy.decide(key, .readCommunity, at: evening).isAllowed)
        #expect(policy.decide(key, .administer, at: evening) == .denied("This API key can only read."))
        let writer = viewer(.communityManager, credential: .apiKey(APIKeyID(1), .write))
        #expect(policy.decide(writer, .administer, at: evening).isAllowed)
    }

    @Test("an evening advisor may moderate one category from 19:00 to 23:00 Paris time only")
    func timeWindowedGrant() {
        let grant = Grant(
            actions: [.moderate], scope: .category(3),
            window: DailyWindow(startMinute: 19 * 60, endMinute: 23 * 60, timeZoneIdentifier: "Europe/Paris"))
        let advisor = viewer(.member, grants: [grant])
        #expect(policy.decide(advisor, .moderate, on: .category(3), at: evening).isAllowed)
        #expect(!policy.decide(advisor, .moderate, on: .category(4), at: evening).isAllowed)
        #expect(
            !policy.decide(advisor, .moderate, on: .category(3), at: evening.addingTimeInterval(3 * 3600)).isAllowed)
        #expect(!policy.decide(advisor, .administer, on: .category(3), at: evening).isAllowed)
    }

    @Test("a window over midnight and an expired grant")
    func overMidnightAndExpiry() {
        let night = DailyWindow(startMinute: 22 * 60, endMinute: 2 * 60, timeZoneIdentifier: "UTC")
        let day = Date(timeIntervalSince1970: 1_795_500_000)  // 2026-11-24 06:00 UTC
        #expect(!night.contains(day))
        #expect(night.contains(day.addingTimeInterval(17 * 3600)))  // 23:00
        #expect(night.contains(day.addingTimeInterval(19 * 3600)))  // 01:00
        let expired = Grant(actions: [.moderate], expiresAt: evening)
        #expect(!policy.decide(viewer(.member, grants: [expired]), .moderate, at: evening).isAllowed)
    }
}
