import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import SQLKit
import Testing

@testable import HearthApp

/// The member directory, the staff's acts on members, invitations and API keys, on both engines.
@Suite("Members")
struct MemberServiceTests {
    typealias Community = ModerationTests.Community

    static func community(_ engine: TestEngine, environment: [String: String] = [:]) async throws -> Community {
        try await ModerationTests.community(engine, environment: environment)
    }

    @Test(
        "the directory searches names, handles and (for staff) e-mails, counts live posts, pages by keyset",
        arguments: TestEngine.allCases)
    func directory(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana.lopez@example.org")
        let post = try await services.forum.reply(ana, to: community.topic.id, body: "First reply")
        _ = try await services.forum.reply(ana, to: community.topic.id, body: "Second reply")
        let held = try await services.forum.reply(ana, to: community.topic.id, body: "Held reply")
        try await services.database.write { sql in
            try await sql.update("posts").set("moderation", to: "pending").where("id", .equal, held.id.rawValue).run()
        }
        try await services.forum.delete(ana, post: post.id)
        for index in 0..<5 {
            community.clock.advance(by: 60)
            _ = try await community.member("member\(index)@example.org")
        }

        let members = services.members
        let found = try await members.list(community.cm, search: "LOPEZ")
        #expect(found.listings.map(\.member.email) == ["ana.lopez@example.org"])
        #expect(found.listings.first?.postCount == 1, "the deleted and the held replies are not counted")
        #expect(try await members.list(community.moderator, search: "lopez@").listings.count == 1)
        let byHandle = try await members.list(community.cm, search: ana.member.handle)
        #expect(byHandle.listings.map(\.member.id) == [ana.member.id])
        #expect(try await members.list(community.cm, search: "100%").listings.isEmpty, "% matches itself")

        // Newest first, three at a time, then the rest from the cursor: nobody twice, nobody left out.
        let first = try await members.list(community.cm, limit: 3)
        #expect(
            first.listings.map(\.member.email) == ["member4@example.org", "member3@example.org", "member2@example.org"])
        let next = try #require(first.next)
        let second = try await members.list(community.cm, after: MemberCursor(token: next.token), limit: 50)
        #expect(second.listings.count == 5, "two newer members, Ana, the moderator, the CM")
        #expect(second.next == nil)
        #expect(Set(first.listings.map(\.member.id)).isDisjoint(with: second.listings.map(\.member.id)))

        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await members.list(ana)
        }
        await #expect(throws: HearthError.self) { try await members.list(nil) }
        #expect(throws: HearthError.self) { try MemberCursor(token: "nonsense") }
    }

    @Test("last seen is written at most once per five minutes, and sorts the directory", arguments: TestEngine.allCases)
    func lastSeen(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let (secret, _) = try await services.sessions.start(for: ana.member, userAgent: nil)
        let seen = try #require(try await services.sessions.resolve(secret: secret)?.1.lastSeenAt)
        #expect(seen == community.clock.now)
        community.clock.advance(by: 120)
        _ = try await services.sessions.resolve(secret: secret)
        #expect(try await services.profiles.member(id: ana.member.id).lastSeenAt == seen, "no write within 5 minutes")
        community.clock.advance(by: 200)
        _ = try await services.sessions.resolve(secret: secret)
        #expect(try await services.profiles.member(id: ana.member.id).lastSeenAt == community.clock.now)

        let bySeen = try await services.members.list(community.cm, sort: .lastSeen)
        #expect(bySeen.listings.first?.member.id == ana.member.id, "the only one seen comes first")
    }

    @Test("only the community manager changes roles, and the last one stays", arguments: TestEngine.allCases)
    func roles(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await services.members.changeRole(community.moderator, of: ana.member.id, to: .moderator)
        }
        try await services.members.changeRole(community.cm, of: ana.member.id, to: .communityManager)
        #expect(try await services.profiles.member(id: ana.member.id).role == .communityManager)
        try await services.members.changeRole(community.cm, of: ana.member.id, to: .member)
        await #expect(
            throws: HearthError.conflict(
                "This is the community's last community manager: make someone else community manager first.")
        ) {
            try await services.members.changeRole(community.cm, of: community.cm.member.id, to: .moderator)
        }
        let log = try await services.moderation.log(community.cm, action: "change role")
        #expect(log.count == 2)

        // Two managers demoting each other at the same moment: one of them stays.
        try await services.members.changeRole(community.cm, of: ana.member.id, to: .communityManager)
        let anaManager = Viewer(
            member: try await services.profiles.member(id: ana.member.id), credential: .session(SessionID(0)))
        let cm = community.cm
        let succeeded = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await services.members.changeRole(cm, of: ana.member.id, to: .member)) != nil }
            group.addTask {
                (try? await services.members.changeRole(anaManager, of: cm.member.id, to: .member)) != nil
            }
            var count = 0
            for await done in group where done { count += 1 }
            return count
        }
        #expect(succeeded == 1)
        let managers = try await services.members.list(community.cm).listings.filter {
            $0.member.role == .communityManager
        }
        #expect(managers.count == 1)
        #expect(log.first?.textAfter == "member")
    }

    @Test("staff send a reset link through the outbox; moderators may not", arguments: TestEngine.allCases)
    func resetLink(engine: TestEngine) async throws {
        let mail = RecordingMailTransport()
        let clock = TestClock()
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database, clock: clock, mail: mail)
        let cm = Viewer(
            member: try await services.accounts.createCommunityManager(
                try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password")),
            credential: .session(SessionID(0)))
        let ana = try await services.accounts.signUp(
            try AccountForm(email: "ana@example.org", displayName: "Ana", password: "a long enough password"),
            inviteToken: nil)
        try await services.members.sendPasswordReset(cm, to: ana.id)
        #expect(mail.messages.isEmpty, "queued, not sent inline")
        _ = try await services.jobs.drain()
        #expect(mail.messages.map(\.to) == [["ana@example.org"]])
        #expect(mail.messages.first?.textBody.contains("http://hearth.test/password/reset/") == true)
        await #expect(throws: HearthError.self) {
            try await services.members.sendPasswordReset(
                Viewer(member: ana, credential: .session(SessionID(0))), to: cm.member.id)
        }
    }

    @Test(
        "anonymising keeps the posts under a former member, frees the e-mail, ends sessions, and is logged",
        arguments: TestEngine.allCases)
    func anonymise(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let post = try await services.forum.reply(ana, to: community.topic.id, body: "Something I wrote")
        let (secret, _) = try await services.sessions.start(for: ana.member, userAgent: nil)
        let members = services.members

        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await members.anonymise(community.moderator, ana.member.id, confirmation: ana.member.handle)
        }
        await #expect(throws: HearthError.self) {
            try await members.anonymise(community.cm, ana.member.id, confirmation: "someone else")
        }
        let handle = try await members.anonymise(
            community.cm, ana.member.id, confirmation: ana.member.handle, reason: "asked by e-mail")
        #expect(handle == "former-member-\(ana.member.id.rawValue)")

        let former = try await services.profiles.member(id: ana.member.id)
        #expect(former.displayName == "Former member")
        #expect(former.handle == handle)
        #expect(former.bio.isEmpty && former.avatarPath == nil)
        #expect(!former.email.contains("ana"))
        #expect(try await services.sessions.resolve(secret: secret) == nil, "signed out everywhere")
        let kept = try await services.forum.post(nil, id: post.id)
        #expect(kept.body == "Something I wrote")
        #expect(kept.author.displayName == "Former member")
        await #expect(throws: HearthError.self) {
            try await services.accounts.logIn(
                email: "ana@example.org", password: "a long enough password", clientAddress: "1")
        }
        let again = try await services.accounts.signUp(
            try AccountForm(email: "ana@example.org", displayName: "Ana", password: "a long enough password"),
            inviteToken: nil)
        #expect(again.id != ana.member.id, "the address signs up again as someone new")
        let log = try await services.moderation.log(community.cm, action: "anonymise")
        #expect(log.count == 1)
        #expect(log.first?.reason == "asked by e-mail")
        await #expect(throws: HearthError.self, "it cannot be done twice") {
            try await members.anonymise(community.cm, ana.member.id, confirmation: handle)
        }
        await #expect(throws: HearthError.self, "staff give up their role first") {
            try await members.anonymise(
                community.cm, community.moderator.member.id, confirmation: community.moderator.member.handle)
        }
    }

    @Test(
        "invitations are created (and e-mailed), listed, revoked; only the community manager manages them",
        arguments: TestEngine.allCases)
    func invitations(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(
            database: database, environment: ["HEARTH_SIGNUP": "invite_only"])
        let cm = Viewer(
            member: try await services.accounts.createCommunityManager(
                try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password")),
            credential: .session(SessionID(0)))
        let members = services.members
        let link = try await members.invite(cm, email: "New@Example.org")
        #expect(link.hasPrefix("http://hearth.test/signup?invite="))
        let hand = try await members.invite(cm, email: nil)
        let open = try await members.openInvitations(cm)
        #expect(open.map(\.email) == [nil, "new@example.org"])
        let jobs = try await services.database.read { sql in
            try await sql.select().column("payload").from("jobs").where("kind", .equal, "mail").all()
        }
        #expect(jobs.count == 1, "only the invitation with an address is e-mailed")
        await #expect(throws: HearthError.self) { try await members.invite(cm, email: "not an address") }

        let invited = try await services.accounts.signUp(
            try AccountForm(email: "new@example.org", displayName: "New", password: "a long enough password"),
            inviteToken: String(link.split(separator: "=").last ?? ""))
        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await members.openInvitations(Viewer(member: invited, credential: .session(SessionID(0))))
        }
        #expect(try await members.openInvitations(cm).map(\.id) == [open[0].id], "a used link is no longer open")

        try await members.revokeInvitation(cm, open[0].id)
        #expect(try await members.openInvitations(cm).isEmpty)
        let token = String(hand.split(separator: "=").last ?? "")
        await #expect(throws: HearthError.self, "a revoked link no longer signs anyone up") {
            try await services.accounts.signUp(
                try AccountForm(email: "x@example.org", displayName: "X", password: "a long enough password"),
                inviteToken: token)
        }
        await #expect(throws: HearthError.self) { try await members.revokeInvitation(cm, open[0].id) }
    }

    @Test("the community manager creates, lists and revokes anyone's API keys", arguments: TestEngine.allCases)
    func apiKeys(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let members = services.members
        let (key, secret) = try await members.createAPIKey(
            community.cm, name: "Zapier", scope: .read, ownerEmail: community.moderator.member.email)
        #expect(secret.hasPrefix("hth_"))
        let (own, _) = try await members.createAPIKey(community.cm, name: "Mine", scope: .write, ownerEmail: nil)
        #expect(own.memberID == community.cm.member.id)
        let listed = try await members.apiKeys(community.cm)
        #expect(listed.map(\.0.name) == ["Zapier", "Mine"])
        #expect(listed.first?.1?.id == community.moderator.member.id)
        try await members.revokeAPIKey(community.cm, key.id)
        #expect(try await services.apiKeys.authenticate(secret: secret) == nil)
        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await members.apiKeys(community.moderator)
        }
        await #expect(throws: HearthError.self) {
            try await members.createAPIKey(community.cm, name: "", scope: .read, ownerEmail: nil)
        }
    }

    @Test("a profile counts and lists replies as each viewer may see them", arguments: TestEngine.allCases)
    func activity(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        _ = try await services.forum.reply(ana, to: community.topic.id, body: "One")
        community.clock.advance(by: 60)
        _ = try await services.forum.reply(ana, to: community.topic.id, body: "Two")
        community.clock.advance(by: 60)
        let held = try await services.forum.reply(ana, to: community.topic.id, body: "Held")
        try await services.database.write { sql in
            try await sql.update("posts").set("moderation", to: "pending").where("id", .equal, held.id.rawValue).run()
        }
        let visitor = try await services.members.activity(nil, of: ana.member.id)
        #expect(visitor.publicPostCount == 2)
        #expect(visitor.recent.map(\.0.body) == ["Two", "One"])
        let own = try await services.members.activity(ana, of: ana.member.id)
        #expect(own.recent.map(\.0.body) == ["Held", "Two", "One"], "the author sees their held reply")
        let staff = try await services.members.activity(community.cm, of: ana.member.id)
        #expect(staff.recent.count == 3)
        #expect(staff.publicPostCount == 2)
    }

    @Test(
        "a held reply counts in its topic's replies only once a moderator lets it through",
        arguments: TestEngine.allCases)
    func heldReplyCount(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let reply = try await services.forum.reply(ana, to: community.topic.id, body: "Wait for me")
        func count() async throws -> Int {
            try await services.forum.topicPage(community.cm, topic: community.topic.id).topic.postCount
        }
        #expect(try await count() == 2)
        try await SQLModerationRepository(database: services.database).hold(
            reply.id,
            item: NewReviewItem(kind: .heldPost, postID: reply.id, memberID: nil, reasons: ["test"], score: 1),
            at: community.clock.now)
        #expect(try await count() == 1, "held: not a reply anyone else sees")
        try await services.forum.delete(ana, post: reply.id)
        #expect(try await count() == 1, "deleting a held reply leaves the count alone")
        try await services.forum.restore(community.cm, post: reply.id)
        try await services.moderation.moderate(community.cm, post: reply.id, action: .approve)
        #expect(try await count() == 2)
    }

    @Test("the powers a profile offers follow the policy")
    func powers() async throws {
        let community = try await Self.community(.sqlite)
        let members = community.services.members
        let ana = try await community.member("ana@example.org")
        let cm = members.powers(community.cm, over: ana.member)
        #expect(cm.changeRole && cm.sendPasswordReset && cm.anonymise && cm.penalise && cm.seeEmail)
        let moderator = members.powers(community.moderator, over: ana.member)
        #expect(!moderator.changeRole && !moderator.anonymise && !moderator.sendPasswordReset)
        #expect(moderator.penalise && moderator.seeEmail)
        #expect(members.powers(ana, over: community.cm.member) == .none)
        #expect(members.powers(nil, over: ana.member) == .none)
        #expect(!members.powers(community.cm, over: community.cm.member).anonymise, "not oneself")
    }
}
