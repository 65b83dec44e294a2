import Foundation
import HearthCore
import HearthViews
import Testing

@Suite("Domain messages in French")
struct MessageCatalogTests {
    @Test("exact messages and messages carrying values are translated; others stay as they are")
    func translate() throws {
        let catalog = MessageCatalog([
            "Please log in first.": "Connectez-vous d'abord.",
            "Only staff can start topics in {}.": "Seule l'équipe peut ouvrir des sujets dans {}.",
            "This image is {} × {} pixels; the limit is {} megapixels.":
                "Cette image fait {} × {} pixels ; la limite est de {} mégapixels.",
        ])
        #expect(catalog.translate("Please log in first.") == "Connectez-vous d'abord.")
        #expect(
            catalog.translate("Only staff can start topics in News & views.")
                == "Seule l'équipe peut ouvrir des sujets dans News & views.")
        #expect(
            catalog.translate("This image is 9000 × 9000 pixels; the limit is 40 megapixels.")
                == "Cette image fait 9000 × 9000 pixels ; la limite est de 40 mégapixels.")
        #expect(catalog.translate("Only staff can start topics in .") == nil, "a value cannot be empty")
        #expect(catalog.translate("Something new.") == nil)
        let localization = try Localization.load()
        #expect(localization.message("Something new.", .french) == "Something new.")
        #expect(localization.message("Please log in first.", .english) == "Please log in first.")
    }

    /// Every message the domain and the HTML pages can show, read from the sources: a new one without a French
    /// translation fails here. The JSON API's messages stay in English, for developers.
    @Test("every message Core and the HTML controllers can show has a French translation")
    func coverage() throws {
        let localization = try Localization.load()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let thrower =
            #/(notFound|unauthorized|forbidden|conflict|unavailable|invalid|rateLimited|FieldError)\(|message: "|return "/#
        let literal = #/"((?:[^"\\]|\\.)*)"/#
        var missing: [String] = []
        var checked = 0
        for folder in ["HearthCore", "HearthWeb"] {
            let files =
                FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") && !$0.hasPrefix("API/") } ?? []
            for file in files {
                let text = try String(
                    contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.contains(thrower) {
                    for match in line.matches(of: literal) {
                        let message = String(match.output.1).replacing(#/\\\((?:[^()]|\([^()]*\))*\)/#, with: "1")
                        guard message.contains(" "), message.hasSuffix("."), message.first?.isUppercase == true else {
                            continue
                        }
                        checked += 1
                        if localization.message(message, .french) == message { missing.append("\(file): \(message)") }
                    }
                }
            }
        }
        #expect(checked > 60, "the scan found the messages (\(checked))")
        #expect(missing.isEmpty, "untranslated: \(missing)")
    }
}
