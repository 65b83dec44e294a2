import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The members, invitations and API keys routes over JSON.
@Suite("Members API")
struct MembersAPITests {
    @Test(
        "the directory, a role change, anonymisation, invitations and keys over JSON, for staff only",
        arguments: TestEngine.allCases)
    func membersOverJSON(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let services = community.services
        try await community.member("cm@example.org", role: .communityManager)
        let ana = try await community.member("ana@example.org")
        let (cmKeyRecord, cmKey) = try await services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await services.apiKeys.create(name: "ana", scope: .write, ownerEmail: "ana@example.org")

        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let member = ForumAPITests.APIClient(client: client, key: anaKey)
            let (listed, page) = try await cm.call(.get, "/members?q=ana&sort=last_seen")
            #expect(listed == .ok)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.map { $0["email"] as? String } == ["ana@example.org"])
            #expect(items.first?["postCount"] as? Int == 0)
            #expect(try await cm.call(.get, "/members?sort=oldest").0 == .unprocessableContent)
            #expect(try await member.call(.get, "/members").0 == .forbidden)

            let (changed, changedMember) = try await cm.call(
                .put, "/members/\(ana.id.rawValue)/role", #"{"role": "moderator"}"#)
            #expect(changed == .ok && changedMember["role"] as? String == "moderator")
            #expect(try await cm.call(.put, "/members/\(ana.id.rawValue)/role", #"{"role": "member"}"#).0 == .ok)
            #expect(try await cm.call(.post, "/members/\(ana.id.rawValue)/password-reset").0 == .accepted)

            let path = "/members/\(ana.id.rawValue)/anonymisation"
            #expect(try await cm.call(.post, path, #"{"confirm": "wrong"}"#).0 == .unprocessableContent)
            let (anonymised, result) = try await cm.call(.post, path, #"{"confirm": "\#(ana.handle)"}"#)
            #expect(anonymised == .ok && result["handle"] as? String == "former-member-\(ana.id.rawValue)")
            #expect(try await member.call(.get, "/me").0 == .unauthorized, "the account's keys are revoked")

            let (invited, invitation) = try await cm.call(.post, "/invitations", #"{"email": "new@example.org"}"#)
            #expect(invited == .created && invitation["emailed"] as? Bool == true)
            let (_, open) = try await cm.call(.get, "/invitations")
            let openItems = try #require(open["items"] as? [[String: Any]])
            let invitationID = try #require(openItems.first?["id"] as? Int)
            #expect(try await cm.call(.delete, "/invitations/\(invitationID)").0 == .noContent)
            #expect(try await cm.call(.delete, "/invitations/\(invitationID)").0 == .notFound)

            let (created, key) = try await cm.call(.post, "/api-keys", #"{"name": "Zapier", "scope": "read"}"#)
            #expect(created == .created && (key["secret"] as? String)?.hasPrefix("hth_") == true)
            let (_, keys) = try await cm.call(.get, "/api-keys")
            #expect((keys["items"] as? [[String: Any]])?.count == 3)
            #expect(try await cm.call(.delete, "/api-keys/\(cmKeyRecord.id.rawValue)").0 == .conflict, "not itself")
            let newID = try #require((key["key"] as? [String: Any])?["id"] as? Int)
            #expect(try await cm.call(.delete, "/api-keys/\(newID)").0 == .noContent)
        }
    }
}
