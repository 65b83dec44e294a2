import Foundation
import HearthCore
import HearthViews

/// Composes one copy of the weekly letter: the HTML part from the `mail-letter` template, the plain text from the
/// same view, and the week's images attached inline (or linked, as configured). An image whose file is gone is
/// left out.
struct LetterMail: Sendable {
    let renderer: Renderer
    let from: String
    let community: LiveSettings
    let publicURL: String
    let blobs: FileBlobStore
    let inlineImages: Bool
    let transport: any MailTransport

    func message(_ letter: Letter, to recipient: LetterRecipient) async throws -> MailMessage {
        let content = letter.content
        var attached: [String: InlineImage] = [:]
        if inlineImages {
            for (index, image) in content.images.enumerated()
            where (image.bytes ?? 0) <= LetterDraft.Image.inlineLimit {
                guard let (_, format) = Upload.parse(fileName: image.fileName),
                    let bytes = try await blobs.read(name: image.fileName)
                else { continue }
                attached[image.fileName] = InlineImage(
                    contentID: "image\(index + 1).\(letter.week)@hearth", contentType: format.contentType,
                    fileName: image.fileName, bytes: Data(bytes))
            }
        }
        let view = self.view(letter, content: content, language: recipient.language) { image in
            // Attached when it could be; a large image is linked, one whose file is gone is left out.
            if let inline = attached[image.fileName] { return "cid:\(inline.contentID)" }
            return inlineImages && (image.bytes ?? 0) <= LetterDraft.Image.inlineLimit ? nil : publicURL + image.path
        }
        return MailMessage(
            from: from, to: [recipient.address], subject: view.subject, textBody: view.text,
            htmlBody: try renderer.render(view, template: "mail-letter"),
            inline: attached.isEmpty ? nil : content.images.compactMap { attached[$0.fileName] })
    }

    /// The letter as the archive and the preview show it: images linked to the community.
    func view(
        _ letter: Letter, content: LetterDraft? = nil, language: Language,
        imageSource: ((LetterDraft.Image) -> String?)? = nil
    ) -> LetterView {
        let settings = community.current
        return LetterView(
            letter: letter, draft: content ?? letter.content, language: language, communityName: settings.name,
            publicURL: publicURL, localization: renderer.localization, timeZone: settings.timeZone,
            imageSource: imageSource ?? { publicURL + $0.path })
    }
}

extension LetterMail {
    /// The `letter_mail` job: sends one recipient's copy and records the attempt. A failure is recorded where the
    /// manager sees it (the letter's page) and thrown, so that the job runner tries again later.
    func deliver(_ job: LetterMailJob, letters: LetterService) async throws {
        guard let (delivery, letter) = try await letters.delivery(job.delivery) else { return }
        do {
            let message = try await message(
                letter, to: LetterRecipient(address: delivery.address, language: delivery.language))
            try await transport.send(message)
        } catch {
            try await letters.recordAttempt(
                delivery.id, error: (error as? HearthError)?.userMessage ?? "The e-mail could not be composed.")
            throw error
        }
        // Sent: a failure to record it must not make the job send it again.
        try? await letters.recordAttempt(delivery.id, error: nil)
    }
}

extension HearthServices {
    /// The letter for `week` (last week by default) as it would be drafted now, stored nowhere: its plain text and
    /// its HTML part, images linked. The health figures are counted first; the two durations say how long the
    /// counting and the drafting took.
    public func letterPreview(week text: String?, language: Language?) async throws -> (
        text: String, html: String, counting: Duration, drafting: Duration
    ) {
        let week = try text.map { try letters.week($0) } ?? letters.lastWeek
        let clock = ContinuousClock()
        let counting = try await clock.measure { try await health.rollUp() }
        let start = clock.now
        let draft = try await letters.preview(week: week)
        let letter = Letter(
            week: draft.week, status: .draft, intro: "", excluded: [], draft: draft, draftedAt: now(), openedAt: nil,
            sentAt: nil, deliveries: [])
        let view = letterMail.view(letter, language: language ?? community.current.language)
        let html = try renderer.render(view, template: "mail-letter")
        return (view.text, html, counting, clock.now - start)
    }
}
