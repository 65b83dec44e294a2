import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// A delegated role made, given and used in a real headless Chromium against the real server.
@Suite("Delegated roles in the browser", .serialized)
struct DelegationBrowserTests {
    @Test(
        "the community manager makes 'Conseiller du soir' in French and gives it; the member hides a post in the window"
    )
    func eveningAdvisor() async throws {
        let (community, port) = try await TestCommunity.live("roles")
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let general = try await services.forum.createCategory(
            staff, name: "Général", description: "", startPolicy: .everyone)
        let ana = try await community.member("ana@example.org")
        let troll = Viewer(member: try await community.member("trevor@example.org"), credential: .session(SessionID(0)))
        let (topic, _) = try await services.forum.startTopic(
            troll, in: general.id, title: "Encore vous", body: "Ce forum est tenu par des incapables.")
        let insult = try await services.forum.reply(troll, to: topic.id, body: "Et vous êtes tous des idiots.")

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await browser.steps("roles-evening-advisor") {
                    try await Showcase.logIn(browser, site: site, email: "cm@example.org")
                    try await browser.open(site + "/language?to=fr")
                    try await browser.open(site + "/admin/roles")
                    try await browser.waitFor("Nouveau rôle")
                    try await browser.type("Evening advisor", into: "#role-name-en")
                    try await browser.type("Conseiller du soir", into: "#role-name-fr")
                    try await browser.type("Le calme d'abord : masquer, jamais supprimer.", into: "#role-guidelines")
                    try await browser.click("input[name=powers][value=hidePost]")
                    try await browser.click("input[name=categories][value='\(general.id.rawValue)']")
                    // Time fields take their value as the page would from a time picker.
                    _ = try await browser.execute(
                        "document.querySelector('#role-from').value = '19:00'; document.querySelector('#role-to').value = '23:00';"
                    )
                    try await browser.click("form[action='/admin/roles'] .form-actions button")
                    try await browser.waitFor("Rôle créé.")
                    try await browser.type("@\(ana.handle)", into: "#role-1-member")
                    try await browser.click("form[action='/admin/roles/1/holders'] button")
                    try await browser.waitFor("Rôle confié.")
                    try await Showcase.logOut(browser, site: site)

                    // The test clock read 14:13; at 20:00 the evening advisor is on duty.
                    community.clock.advance(by: 5 * 3_600 + 47 * 60)
                    try await Showcase.logIn(browser, site: site, email: "ana@example.org")
                    try await browser.open(site + "/my-roles")
                    try await browser.waitFor("Vos pouvoirs s")
                    try await browser.open(site + "/t/\(topic.id.rawValue)")
                    try await browser.click("button[formaction='/p/\(insult.id.rawValue)/moderation'][value=hide]")
                    // She may hide, not see what is hidden: back on the topic, the insult is gone from her page.
                    try await browser.waitFor("Ce forum est tenu par des incapables.")
                    #expect(try await !browser.text("main").contains("Et vous êtes tous des idiots."))
                }
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let hidden = try await services.forum.post(staff, id: insult.id)
        #expect(hidden.moderation == .hidden)
        let log = try await services.moderation.log(staff, action: "hide")
        #expect(log.first?.roleName == "Evening advisor")
        #expect(log.first?.actor?.id == ana.id)
    }
}
