import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// A fresh community's first minutes, in a real headless Chromium against the real server: the setup link, the
/// first steps, a first topic, a category, a new name and an invitation, all in the browser.
@Suite("First run in the browser", .serialized)
struct FirstRunBrowserTests {
    @Test("from the setup link to a running community, in English and in French", arguments: ["en", "fr"])
    func firstRun(language: String) async throws {
        let port = try TestEnvironment.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hearth-first-run-\(UUID().uuidString)")
        let community = try await TestCommunity.make(
            environment: [
                "HEARTH_PORT": String(port), "HEARTH_PUBLIC_URL": "http://127.0.0.1:\(port)",
                "HEARTH_DATA_DIR": data.path,
            ])
        defer { community.close() }
        let link = try #require(try await community.services.accounts.issueSetupLink())
        let setupPath = String(link[link.range(of: "/setup/")!.lowerBound...])

        let browser = try await Browser.start()
        try await community.testLive { client in
            let site = "http://127.0.0.1:\(client.port ?? port)"
            do {
                try await walk(browser, site: site, setupPath: setupPath, french: language == "fr")
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
        let settings = community.services.community.current
        #expect(settings.name == (language == "fr" ? "La Boulangerie des amis" : "The Friendly Bakery"))
        #expect(settings.signupMode == .inviteOnly && settings.timeZone.identifier == "Europe/Paris")
        let categories = try await community.services.forum.categories().map(\.name)
        #expect(categories == [language == "fr" ? "Général" : "General", language == "fr" ? "Recettes" : "Recipes"])
    }

    private func walk(_ browser: Browser, site: String, setupPath: String, french: Bool) async throws {
        try await browser.steps("first-run-\(french ? "fr" : "en")") {
            if french {
                // A visitor's language switch (a link; members have a form).
                try await browser.open(site + "/login")
                try await browser.click("details.menu summary")
                try await browser.click("a[href^='/language?to=fr']")
                try await browser.waitFor("<html lang=\"fr\">")
            }
            // The setup link: the community manager's account.
            try await browser.open(site + setupPath)
            try await browser.type("Camille Martin", into: "#name")
            try await browser.type("camille@example.org", into: "#email")
            try await browser.type("a long enough password", into: "#password")
            try await browser.click("form[action^='/setup/'] button[type=submit]")

            // The first steps: name and language, time and hours, who may sign up.
            try await browser.waitFor(french ? "Les premiers pas de votre communauté" : "Your community's first steps")
            try await browser.type(french ? "La Boulangerie" : "The Bakery", into: "#steps-name")
            try await browser.select(french ? "fr" : "en", in: "#steps-language")
            try await browser.type("Europe/Paris", into: "#steps-zone")
            try await browser.type("mon-fri 10:00-19:00", into: "#steps-hours")
            try await browser.click("input[name=signup][value=invite_only]")
            try await browser.click("button[name=step][value=save]")
            try await browser.waitFor(french ? ">La Boulangerie</a>" : ">The Bakery</a>")
            try await browser.waitFor(french ? "Bienvenue !" : "Welcome!")

            // A first topic, at once, in the category made for it.
            try await browser.open(site + "/new-topic")
            try await browser.select("1", in: "#category")
            try await browser.type(french ? "Nos horaires" : "Our opening hours", into: "#title")
            try await browser.type(
                french ? "Ouvert du **mardi** au samedi." : "Open **Tuesday** to Saturday.", into: "#body")
            try await browser.click("form[action='/new-topic'] button[type=submit]")
            try await browser.waitFor(french ? "<strong>mardi</strong>" : "<strong>Tuesday</strong>")

            // A category, from the console.
            try await browser.open(site + "/admin")
            try await browser.click("a[href='/admin/categories']")
            try await browser.type(french ? "Recettes" : "Recipes", into: "#new-category-name")
            try await browser.type(french ? "Partagez-les" : "Share them", into: "#new-category-about")
            try await browser.click("form[action='/admin/categories'] button")
            try await browser.waitFor(french ? "Catégorie enregistrée." : "Category saved.")

            // A new name, effective on the next page.
            try await browser.open(site + "/admin/settings")
            try await browser.type(
                french ? "La Boulangerie des amis" : "The Friendly Bakery", into: "#settings-name")
            try await browser.click("form[action='/admin/settings'] button:last-of-type")
            try await browser.waitFor(french ? "Réglages enregistrés." : "Settings saved.")
            try await browser.waitFor(
                french ? ">La Boulangerie des amis</a>" : ">The Friendly Bakery</a>")

            // An invitation, for a community open by invitation only.
            try await invite(browser, site: site, french: french)
        }
    }

    private func invite(_ browser: Browser, site: String, french: Bool) async throws {
        try await browser.open(site + "/admin/invitations")
        try await browser.type("dominique@example.org", into: "#invitation-email")
        try await browser.click("form[action='/admin/invitations'] button")
        try await browser.waitFor("/signup?invite=")
    }
}
