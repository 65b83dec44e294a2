import Foundation
import HearthCore
import Logging

/// The outside sources' jobs: a poll (one source, one job: a broken source never stops the others, and its failure
/// is kept in words on its page rather than retried by the runner, the source's own backoff deciding when it is
/// polled again); an answer or a boost on its way back (sent once, a refusal brought back to the inbox); and an
/// announcement's fan-out and copies (a copy retried by the runner until the place takes it).
struct SourceJobs: Sendable {
    let sources: SourceService
    let adapters: [Source.Kind: any SourceAdapter]
    /// Also the one that boosts and announces.
    let mastodon: MastodonSource
    /// The community's address, for the links announcements carry back.
    let publicURL: String
    let logger: Logger

    init(
        sources: SourceService, fetcher: OutsideFetcher, mail: any MailTransport, sendsMail: Bool, mailFrom: String,
        publicURL: String, logger: Logger
    ) {
        let mastodon = MastodonSource(fetcher: fetcher)
        self.sources = sources
        self.mastodon = mastodon
        self.publicURL = publicURL.withoutTrailingSlash
        self.adapters = [
            .feed: FeedSource(fetcher: fetcher), .hearth: HearthSource(fetcher: fetcher),
            .discourse: DiscourseSource(fetcher: fetcher), .mastodon: mastodon,
            .imap: IMAPSource(mail: mail, sendsMail: sendsMail, from: mailFrom, allowPrivate: fetcher.allowPrivate),
        ]
        self.logger = logger
    }

    func poll(_ job: SourcePollJob) async throws {
        guard let (source, credentials, cursor) = try await sources.forPolling(SourceID(job.sourceID)) else { return }
        guard let adapter = adapters[source.kind] else { return }
        do {
            let read = try await adapter.read(source, credentials: credentials, cursor: cursor)
            try await sources.received(source, entries: read.entries, cursor: read.cursor)
        } catch {
            // Said on the source's card, whether the source or the storing failed: never a poll that fails unseen.
            let words = (error as? HearthError)?.userMessage ?? "The source could not be read."
            // The source's id only: its address may carry a token.
            logger.info(
                "An outside source failed", metadata: ["source.id": "\(source.id)", "reason": .string(words)])
            try await sources.failed(source, error: words)
        }
    }

    /// Sends an answer (or a boost) once. A refusal is not tried again behind the manager's back: the answer is
    /// marked as not sent, with the place's words, and its item comes back into the inbox saying so.
    func answer(_ job: OutsideAnswerJob) async throws {
        guard let (answer, source, credentials) = try await sources.forSending(job.answerID) else { return }
        guard let adapter = adapters[source.kind] else { return }
        do {
            let url =
                answer.isBoost
                ? try await mastodon.boost(answer, source: source, credentials: credentials)
                : try await adapter.answer(answer, source: source, credentials: credentials)
            try await sources.recordAnswer(answer.id, sentURL: url, error: nil)
        } catch {
            let words = (error as? HearthError)?.userMessage ?? "The answer could not be sent."
            try await sources.recordAnswer(answer.id, sentURL: nil, error: words)
        }
    }

    /// Fans an announcement out: one copy per channel, each with its job.
    func announce(_ job: AnnounceJob) async throws {
        try await sources.announce(job, url: "\(publicURL)/t/\(job.topicID)")
    }

    /// Posts one announcement on one Mastodon account; a failure is recorded and retried by the runner, and the
    /// idempotency key keeps a retry from posting twice.
    func postOutward(_ job: OutwardPostJob) async throws {
        guard let (post, source, credentials) = try await sources.forPosting(job.outwardID) else { return }
        do {
            let url = try await mastodon.announce(post, source: source, credentials: credentials)
            try await sources.recordOutward(post.id, sentURL: url, error: nil)
        } catch {
            let words = (error as? HearthError)?.userMessage ?? "The announcement could not be posted."
            try await sources.recordOutward(post.id, sentURL: nil, error: words)
            throw error
        }
    }
}
