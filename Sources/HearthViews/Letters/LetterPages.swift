import Foundation
import HearthCore

/// The archive of weekly letters (`/letters`): each week's letter, sent or waiting, and the form that drafts one.
public struct LettersPage: Sendable {
    public static let template = "letters"

    public struct Row: Sendable {
        public let week: String
        public let url: String
        public let status: String
        public let drafted: String
        public let sent: String?
        public let delivered: Int
        public let failed: Int?
    }

    public let page: PageChrome
    public let rows: [Row]
    public let hasRows: Bool
    /// The manager's: the week to draft, and who the letter goes to.
    public let canWrite: Bool
    public let lastWeek: String
    public let recipients: String?
    public let noRecipients: Bool

    public init(
        page: PageChrome, letters: [LetterSummary], canWrite: Bool, lastWeek: ISOWeek, recipients: [LetterRecipient],
        localization: Localization, language: Language, timeZone: TimeZone
    ) {
        self.page = page
        rows = letters.map { letter in
            Row(
                week: letter.week, url: "/letters/\(letter.week)",
                status: localization.text("letter_status_\(letter.status.rawValue)", language),
                drafted: Localization.date(letter.draftedAt, language, unnamed: timeZone),
                sent: letter.sentAt.map { Localization.date($0, language, unnamed: timeZone) },
                delivered: letter.delivered, failed: letter.failed > 0 ? letter.failed : nil)
        }
        hasRows = !rows.isEmpty
        self.canWrite = canWrite
        self.lastWeek = lastWeek.description
        self.recipients =
            recipients.isEmpty
            ? nil : recipients.map { "\($0.address) (\($0.language.rawValue))" }.joined(separator: ", ")
        noRecipients = canWrite && recipients.isEmpty
    }
}

/// One letter (`/letters/2026-W48`): its preview as the mail shows it, and for the manager the introduction,
/// what to leave out, and sending; each copy's delivery, with what went wrong.
public struct LetterPage: Sendable {
    public static let template = "letter"

    /// A part of the letter the manager may leave out.
    public struct Choice: Sendable {
        public let key: String
        public let label: String
        public let included: Bool
        public let items: [Choice]
        public let hasItems: Bool

        init(key: String, label: String, included: Bool, items: [Choice] = []) {
            self.key = key
            self.label = label
            self.included = included
            self.items = items
            hasItems = !items.isEmpty
        }
    }

    public struct Delivery: Sendable {
        public let address: String
        public let language: String
        public let status: String
        public let attempts: Int
        public let error: String?
        public let failed: Bool
    }

    public let page: PageChrome
    public let week: String
    public let status: String
    public let isSent: Bool
    public let canWrite: Bool
    public let intro: String
    public let choices: [Choice]
    public let previewURL: String
    public let textURL: String
    public let otherPreviewURL: String
    public let otherLanguage: String
    public let otherLanguageCode: String
    public let deliveries: [Delivery]
    public let hasDeliveries: Bool
    /// Copies that could not be sent yet, said plainly at the top.
    public let failures: String?
    /// Said to the manager when no mail server is configured: copies go to the server's log.
    public let noMailServer: Bool

    public init(
        page: PageChrome, letter: Letter, canWrite: Bool, preview language: Language, localization: Localization,
        pageLanguage: Language, sendsMail: Bool
    ) {
        noMailServer = canWrite && !sendsMail
        self.page = page
        week = letter.week
        status = localization.text("letter_status_\(letter.status.rawValue)", pageLanguage)
        isSent = letter.status == .sent
        self.canWrite = canWrite
        intro = letter.intro
        let excluded = Set(letter.excluded)
        let draft = letter.draft
        func t(_ key: String) -> String { localization.text("letter_\(key)", pageLanguage) }
        func choice(_ section: LetterDraft.Section, _ items: [(String, String)]) -> Choice {
            Choice(
                key: section.rawValue, label: t(section.rawValue), included: !excluded.contains(section.rawValue),
                items: items.map { Choice(key: $0.0, label: $0.1, included: !excluded.contains($0.0)) })
        }
        let people = draft.mostActive + draft.newcomers + draft.spokeUp
        var seen = Set<String>()
        choices = [
            choice(.staff, []),
            choice(.topics, draft.topics.map { ($0.key, $0.title) }),
            choice(.people, people.filter { seen.insert($0.key).inserted }.map { ($0.key, $0.name) }),
            choice(.images, draft.images.map { ($0.key, $0.topicTitle) }),
            choice(.board, []),
            choice(.health, []),
        ]
        let base = "/letters/\(letter.week)"
        previewURL = "\(base)/mail?lang=\(language.rawValue)"
        textURL = "\(base)/text?lang=\(language.rawValue)"
        let other: Language = language == .french ? .english : .french
        otherPreviewURL = "\(base)?lang=\(other.rawValue)"
        otherLanguage = other == .french ? "Français" : "English"
        otherLanguageCode = other.rawValue
        let copies = canWrite ? letter.deliveries : []
        deliveries = copies.map { delivery in
            Delivery(
                address: delivery.address, language: delivery.language.rawValue,
                status: localization.text("letter_delivery_\(delivery.status.rawValue)", pageLanguage),
                attempts: delivery.attempts, error: delivery.lastError, failed: delivery.status == .failed)
        }
        hasDeliveries = !deliveries.isEmpty
        let failed = copies.filter { $0.status == .failed }
        failures =
            failed.isEmpty
            ? nil
            : localization.text(
                "letter_failures", pageLanguage,
                ["n": String(failed.count), "error": failed.last?.lastError ?? ""])
    }
}
