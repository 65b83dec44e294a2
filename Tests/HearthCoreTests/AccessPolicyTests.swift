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

    /// Every action for every role, written out: a new action or a changed default shows up here.
    static let expected: [Action: Set<Role>] = {
        var table: [Action: Set<Role>] = [:]
        for action in Action.allCases {
            table[action] =
                Action.everyMember.contains(action)
                ? Set(Role.allCases)
                : Action.team.contains(action)
                    ? [.team, .moderator, .communityManager]
                    : Action.moderation.contains(action) ? [.moderator, .communityManager] : [.communityManager]
        }
        return table
    }()

    @Test("roles give their defaults: every action × every role")
    func roles() {
        #expect(Self.expected[.hidePost] == [.moderator, .communityManager])
        #expect(Self.expected[.manageCategories] == [.communityManager])
        #expect(Self.expected[.flag] == Set(Role.allCases))
        #expect(Self.expected[.commentFeedback] == [.team, .moderator, .communityManager])
        #expect(Self.expected[.manageFeedback] == [.moderator, .communityManager])
        #expect(Self.expected[.manageWebhooks] == [.communityManager])
        for action in Action.allCases {
            for role in Role.allCases {
                let resource: Resource = action == .editOwnProfile ? .member(MemberID(7)) : .community
                let allowed = policy.decide(viewer(role), action, on: resource, at: evening).isAllowed
                #expect(allowed == Self.expected[action]?.contains(role), "\(role) \(action)")
            }
        }
        #expect(policy.decide(viewer(.member), .editOwnProfile, on: .member(MemberID(7)), at: evening).isAllowed)
        #expect(!policy.decide(viewer(.member), .editOwnProfile, on: .member(MemberID(8)), at: evening).isAllowed)
    }

    @Test("a silenced member reads but cannot post or flag; a suspended one can do nothing but read")
    func penalties() {
        var silenced = viewer(.member)
        silenced = Viewer(
            member: {
                var member = silenced.member
                member.silencedUntil = evening.addingTimeInterval(3_600)
                return member
            }(), credential: silenced.credential)
        #expect(policy.decide(silenced, .readCommunity, at: evening).isAllowed)
        #expect(
            policy.decide(silenced, .post, at: evening)
                == .denied("You cannot post until 2026-11-24 20:30 UTC: a moderator has silenced your account."))
        #expect(!policy.decide(silenced, .flag, at: evening).isAllowed)
        #expect(policy.decide(silenced, .editOwnProfile, on: .member(MemberID(7)), at: evening).isAllowed)
        #expect(policy.decide(silenced, .post, at: evening.addingTimeInterval(3_600)).isAllowed, "it ends by itself")

        var member = viewer(.moderator).member
        member.suspendedUntil = evening.addingTimeInterval(86_400)
        let suspended = Viewer(member: member, credential: .session(SessionID(1)))
        #expect(policy.decide(suspended, .readCommunity, at: evening).isAllowed)
        for action in Action.allCases where action != .readCommunity {
            #expect(!policy.decide(suspended, action, at: evening).isAllowed, "\(action)")
        }
    }

    @Test("a read-scoped API key cannot act, whatever its owner's role")
    func readOnlyKey() {
        let key = viewer(.communityManager, credential: .apiKey(APIKeyID(1), .read))
        #expect(policy.decide(key, .readCommunity, at: evening).isAllowed)
        #expect(policy.decide(key, .administer, at: evening) == .denied("This API key can only read."))
        #expect(policy.decide(key, .seeRemoved, at: evening).isAllowed, "reading what staff read is reading")
        #expect(!policy.decide(key, .hidePost, at: evening).isAllowed)
        let writer = viewer(.communityManager, credential: .apiKey(APIKeyID(1), .write))
        #expect(policy.decide(writer, .administer, at: evening).isAllowed)
    }

    @Test("an evening advisor may hide posts in one category from 19:00 to 23:00 Paris time only")
    func timeWindowedGrant() {
        let grant = Grant(
            actions: [.hidePost], scope: .category(3),
            window: DailyWindow(
                startMinute: 19 * 60, endMinute: 23 * 60, timeZone: TimeZone(identifier: "Europe/Paris")!))
        let advisor = viewer(.member, grants: [grant])
        #expect(policy.decide(advisor, .hidePost, on: .category(3), at: evening).isAllowed)
        #expect(!policy.decide(advisor, .hidePost, on: .category(4), at: evening).isAllowed)
        #expect(
            !policy.decide(advisor, .hidePost, on: .category(3), at: evening.addingTimeInterval(3 * 3600)).isAllowed)
        #expect(!policy.decide(advisor, .suspendMember, on: .category(3), at: evening).isAllowed)
        #expect(!policy.decide(advisor, .administer, on: .category(3), at: evening).isAllowed)
    }

    @Test("a window over midnight and an expired grant")
    func overMidnightAndExpiry() {
        let night = DailyWindow(startMinute: 22 * 60, endMinute: 2 * 60, timeZone: TimeZone(identifier: "UTC")!)
        let day = Date(timeIntervalSince1970: 1_795_500_000)  // 2026-11-24 06:00 UTC
        #expect(!night.contains(day))
        #expect(night.contains(day.addingTimeInterval(17 * 3600)))  // 23:00
        #expect(night.contains(day.addingTimeInterval(19 * 3600)))  // 01:00
        let expired = Grant(actions: [.hidePost], expiresAt: evening)
        #expect(!policy.decide(viewer(.member, grants: [expired]), .hidePost, at: evening).isAllowed)
    }
}
