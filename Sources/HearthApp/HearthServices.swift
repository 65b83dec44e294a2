import Foundation
import HearthCore
import HearthStore
import HearthViews
import HearthWeb
import Logging

/// Everything Hearth runs on, built once from the configuration: the database, the repositories and the
/// use cases. The CLI commands and the server share it.
public struct HearthServices: Sendable {
    public let config: AppConfig
    public let database: HearthDatabase
    public let accounts: AccountService
    public let sessions: SessionService
    public let apiKeys: APIKeyService
    public let forum: ForumService
    public let search: SearchService
    public let uploads: UploadService
    public let blog: BlogService
    public let profiles: ProfileService
    /// Members' use cases: their activity on profiles, and the console's directory, roles, reset links,
    /// anonymisation, invitations and API keys.
    public let members: MemberService
    public let delegation: DelegationService
    public let roleReports: RoleReportService
    /// Segments, engagement levels, the trust ladder and the equity of attention.
    public let people: PeopleService
    public let viewers: ViewerResolver
    public let moderation: ModerationService
    public let penalties: PenaltyService
    public let calm: CalmTools
    public let timers: TopicTimers
    public let texts: CommunityTexts
    public let watchedWords: WatchedWordService
    /// The community's settings as they stand (the environment's, with the console's over them).
    public let community: LiveSettings
    public let settings: SettingsService
    public let categories: CategoryAdmin
    /// The priority inbox: what deserves attention now, ranked, explained and learning from decisions.
    public let inbox: InboxService
    /// The feedback board: suggestions, bugs and complaints found in posts, grouped, voted, carried back.
    public let feedback: FeedbackService
    /// The health figures, from daily roll-ups.
    public let health: HealthService
    /// The weekly letter to colleagues: drafted, previewed, sent through the outbox, archived.
    public let letters: LetterService
    /// Composes the letter's e-mails.
    let letterMail: LetterMail
    /// The outside sources: feeds, other forums, Mastodon, webhooks, other Hearths, brought into the inbox.
    public let sources: SourceService
    public let jobQueue: any JobQueue
    public let jobs: JobRunner
    /// Reads the posts written before readings were stored, or imported; nil without the engine.
    public let backfill: ReadingBackfill?
    /// The engine's community layer: moderators' decisions learned, adjustments kept in the database and loaded
    /// into the reader of new posts; nil without the engine.
    public let learning: EngineLearning?
    public let renderer: Renderer
    public let mailTransport: any MailTransport
    public let now: Now
    public let logger: Logger

    /// Opens the database and wires the services. The caller closes the database with `shutdown()`.
    public static func open(
        config: AppConfig, logger: Logger, hasher: any PasswordHasher = BcryptPasswordHasher(),
        mailTransport: (any MailTransport)? = nil, now: @escaping Now = { Date() }
    ) async throws -> HearthServices {
        let database = try await HearthDatabase.open(config.database, logger: logger)
        return try await assemble(
            config: config, database: database, logger: logger, hasher: hasher, mailTransport: mailTransport, now: now)
    }

    /// Wires the services over an open database (tests bring their own).
    public static func assemble(
        config: AppConfig, database: HearthDatabase, logger: Logger, hasher: any PasswordHasher,
        mailTransport: (any MailTransport)?, now: @escaping Now
    ) async throws -> HearthServices {
        let renderer = try await Renderer.load()
        let transport: any MailTransport =
            mailTransport
            ?? config.smtp.map { SMTPMailTransport(settings: $0, logger: logger) }
            ?? LogMailTransport(logger: logger)
        let members = SQLMemberRepository(database: database)
        let sessionStore = SQLSessionRepository(database: database)
        let community = LiveSettings(
            defaults: config.communityDefaults, store: SQLSettingsRepository(database: database), logger: logger)
        let settings = AccountSettings(
            community: community, publicURL: config.publicURL,
            sessionLifetime: TimeInterval(config.sessionDays * 86_400))
        let accounts = AccountService(
            members: members, sessions: sessionStore, tokens: SQLOneTimeTokenRepository(database: database),
            hasher: hasher,
            mailer: TemplateAccountMailer(
                renderer: renderer, from: config.mailFrom, community: community),
            settings: settings, attempts: SQLAttemptRepository(database: database),
            penalties: SQLPenaltyRepository(database: database), now: now, logger: logger)
        let roleStore = SQLDelegateRoleRepository(database: database)
        let viewers = ViewerResolver(roles: roleStore, timeZone: { community.current.timeZone })
        let forumStore = SQLForumRepository(database: database)
        let moderationStore = SQLModerationRepository(database: database)
        let reader = EngineReader.bundledEngine.map(EngineReader.init(base:))
        let learning = reader.map {
            EngineLearning(store: SQLEngineLearningRepository(database: database), reader: $0, now: now, logger: logger)
        }
        let penaltyStore = SQLPenaltyRepository(database: database)
        let wordStore = SQLWatchedWordRepository(database: database)
        let gate = ModerationGate(
            rules: config.holdRules, words: wordStore, normaliser: EngineNormaliser(), moderation: moderationStore,
            workingHours: { community.current.workingHours })
        let heat = HeatRules(threshold: config.heatThreshold)
        let forum = ForumService(
            forum: forumStore,
            notifications: SQLNotificationRepository(database: database), members: members,
            cooker: SafeMarkdown(), reader: reader, gate: gate, heat: heat, inbox: config.inboxRules,
            policy: AccessPolicy(), now: now, logger: logger)
        let sources = SourceService(
            store: SQLSourceRepository(database: database), reader: reader,
            normaliser: EngineNormaliser(), secrets: config.secretBox, policy: AccessPolicy(), now: now)
        let inbox = InboxService(
            inbox: SQLInboxRepository(database: database), members: members, viewers: viewers, forum: forum,
            reader: reader, rules: config.inboxRules, workingHours: { community.current.workingHours },
            policy: AccessPolicy(), outside: sources, now: now)
        let jobQueue = SQLJobQueue(database: database)
        let backfill = reader.map { ReadingBackfill(forum: forumStore, reader: $0) }
        let texts = CommunityTexts(
            texts: SQLCommunityTextRepository(database: database), policy: AccessPolicy(), now: now)
        let timers = TopicTimers(forum: forum, timers: moderationStore, policy: AccessPolicy(), now: now)
        let roleReports = RoleReportService(
            reports: SQLRoleReportRepository(database: database), roles: roleStore,
            notices: SQLRoleNoticeRepository(database: database),
            timeZone: { community.current.timeZone }, policy: AccessPolicy(), now: now)
        let board = SQLFeedbackRepository(
            database: database, publicURL: config.publicURL, secrets: config.secretBox)
        let feedback = FeedbackService(
            board: board, forum: forum,
            matcher: FeedbackIndex(board: board, reader: EngineReader.bundledEngine?.reader),
            texts: texts, viewers: viewers, members: members, policy: AccessPolicy(), now: now)
        let webhooks = WebhookSender(board: board, client: .shared, now: now)
        let health = HealthService(store: SQLHealthRepository(database: database), policy: AccessPolicy(), now: now)
        let letters = LetterService(
            letters: SQLLetterRepository(database: database), health: health, schedule: config.letter,
            timeZone: { community.current.timeZone }, defaultLanguage: { community.current.language },
            policy: AccessPolicy(), now: now)
        let letterMail = LetterMail(
            renderer: renderer, from: config.mailFrom, community: community, publicURL: config.publicURL,
            blobs: FileBlobStore(dataDirectory: config.dataDirectory), inlineImages: config.letter.inlineImages,
            transport: transport)
        let sourceJobs = SourceJobs(
            sources: sources, fetcher: OutsideFetcher(allowPrivate: config.sourcesAllowPrivate), mail: transport,
            sendsMail: mailTransport != nil || config.smtp != nil, mailFrom: config.mailFrom,
            publicURL: config.publicURL, logger: logger)
        let reminderMail = RoleReportMail(
            renderer: renderer, from: config.mailFrom, community: community, publicURL: config.publicURL)
        let handlers: [JobKind: JobRunner.Handler] = [
            .mail: { job in try await transport.send(try job.decode(MailMessage.self)) },
            .topicTimer: TopicTimerJob.handler(timers),
            .feedbackCarryBack: { job in try await feedback.carryBack(try job.decode(FeedbackCarryBack.self)) },
            .webhookDelivery: { job in try await webhooks.deliver(try job.decode(WebhookDeliveryJob.self)) },
            .letterMail: { job in try await letterMail.deliver(try job.decode(LetterMailJob.self), letters: letters) },
            .sourcePoll: { job in try await sourceJobs.poll(try job.decode(SourcePollJob.self)) },
            .outsideAnswer: { job in try await sourceJobs.answer(try job.decode(OutsideAnswerJob.self)) },
            .announce: { job in try await sourceJobs.announce(try job.decode(AnnounceJob.self)) },
            .outwardPost: { job in try await sourceJobs.postOutward(try job.decode(OutwardPostJob.self)) },
            .roleReportReminder: { job in
                guard let report = try await roleReports.needsReminder(try job.decode(RoleReportReminder.self)),
                    let member = try await members.find(id: report.memberID),
                    let role = try await roleStore.find(report.roleID)
                else { return }
                try await transport.send(reminderMail.reminder(report, role: role, to: member))
            },
            .insightBackfill: { job in
                // A batch at a time, queuing the next (from where this one stopped) until every post is read:
                // other jobs run in between.
                let after = try job.decode(BackfillPosition.self).after.map(PostID.init(rawValue:))
                guard let backfill else { return }
                let (read, last) = try await backfill.step(after: after)
                guard read > 0 else { return }
                try await jobQueue.enqueue(try Self.backfillJob(after: last, at: now()))
            },
            .engineLearn: { _ in
                // What the inbox's decisions taught shows at once on its best items; the rest as they move.
                if try await learning?.learnPending() ?? 0 > 0 { try await inbox.rerankLearned() }
            },
        ]
        let apiKeys = APIKeyService(
            keys: SQLAPIKeyRepository(database: database), members: members, viewers: viewers, now: now)
        let directory = SQLMemberDirectoryRepository(database: database)
        let memberService = MemberService(
            directory: directory, members: members, forum: forum, invitations: directory, accounts: accounts,
            apiKeys: apiKeys,
            policy: AccessPolicy(), now: now, logger: logger)
        let uploads = UploadService(
            uploads: SQLUploadRepository(database: database),
            blobs: FileBlobStore(dataDirectory: config.dataDirectory), limits: { community.current.uploadLimits },
            policy: AccessPolicy(), now: now)
        return HearthServices(
            config: config, database: database, accounts: accounts,
            sessions: SessionService(sessions: sessionStore, lifetime: settings.sessionLifetime, now: now),
            apiKeys: apiKeys, forum: forum,
            search: SearchService(
                repository: SQLSearchRepository(database: database), policy: AccessPolicy(), now: now,
                unreadable: { try await forum.unreadableCategories(for: $0) }),
            uploads: uploads,
            blog: BlogService(
                articles: SQLArticleRepository(database: database), forum: forum, policy: AccessPolicy(), now: now),
            profiles: ProfileService(members: members, policy: AccessPolicy(), now: now), members: memberService,
            delegation: DelegationService(
                roles: roleStore, members: members,
                categoryExists: { try await forumStore.category(id: $0) != nil },
                timeZone: { community.current.timeZone }, policy: AccessPolicy(), now: now),
            roleReports: roleReports,
            people: PeopleService(
                people: SQLPeopleRepository(database: database), members: members, policy: AccessPolicy(),
                ladder: config.trustLadder, timeZone: { community.current.timeZone }, now: now),
            viewers: viewers,
            moderation: ModerationService(
                forum: forum, moderation: moderationStore, penalties: penaltyStore, members: members,
                weights: FlagWeights(hideThreshold: config.flagHideThreshold),
                workingHours: { community.current.workingHours },
                heat: (heat, forumStore), publicLog: config.publicModerationLog, policy: AccessPolicy(), now: now,
                logger: logger),
            penalties: PenaltyService(
                penalties: penaltyStore, members: members, sessions: sessionStore, policy: AccessPolicy(), now: now),
            calm: CalmTools(forum: forum, moderation: moderationStore, texts: texts, policy: AccessPolicy(), now: now),
            timers: timers, texts: texts,
            watchedWords: WatchedWordService(words: wordStore, gate: gate, policy: AccessPolicy(), now: now),
            community: community,
            settings: SettingsService(
                live: community, store: SQLSettingsRepository(database: database), forum: forum, uploads: uploads,
                policy: AccessPolicy(), now: now),
            categories: CategoryAdmin(forum: forum, store: forumStore, policy: AccessPolicy(), now: now),
            inbox: inbox, feedback: feedback, health: health, letters: letters, letterMail: letterMail,
            sources: sources, jobQueue: jobQueue,
            jobs: JobRunner(queue: jobQueue, handlers: handlers, now: now, logger: logger), backfill: backfill,
            learning: await loaded(learning, logger: logger), renderer: renderer,
            mailTransport: transport, now: now, logger: logger)
    }

    /// The learning with the stored adjustments in its reader, when the database has their table yet; `migrate()`
    /// loads them otherwise.
    private static func loaded(_ learning: EngineLearning?, logger: Logger) async -> EngineLearning? {
        do {
            try await learning?.refresh()
        } catch {
            logger.debug("The engine's adjustments wait for the migrations", metadata: ["reason": "\(error)"])
        }
        return learning
    }

    /// Where the reading backfill goes on from.
    struct BackfillPosition: Codable {
        let after: Int64?
    }

    /// The next batch of the reading backfill; one pending at a time.
    static func backfillJob(after: PostID?, at date: Date) throws -> NewJob {
        try NewJob(
            kind: .insightBackfill, BackfillPosition(after: after?.rawValue), runAt: date, key: "insight-backfill")
    }

    /// Queues the reading backfill when some posts have no reading (an import, an upgrade).
    public func scheduleBackfill() async throws {
        guard let backfill, try await backfill.remaining() > 0 else { return }
        try await jobQueue.enqueue(try Self.backfillJob(after: nil, at: now()))
    }

    /// Queues the learning job when some moderators' decisions are not learned yet (a job given up, say).
    public func scheduleLearning() async throws {
        guard let learning, try await learning.store.hasUnlearnedLabels() else { return }
        try await jobQueue.enqueue(EngineLabel.learnJob(at: now()))
    }

    /// Applies pending migrations, then loads the engine's adjustments; returns what was applied.
    @discardableResult
    public func migrate() async throws -> [Migrator.Applied] {
        let applied = try await Migrator(database: database, now: now).migrate()
        // An import that deferred the search index's indexes and stopped before its end left them to build.
        try await SQLSearchRepository(database: database).restoreIndexes()
        try await learning?.refresh()
        await community.reload(at: now())
        return applied
    }

    public func shutdown() async {
        await database.close()
    }

    /// The web layer's view of these services.
    public func web(metricsText: @escaping @Sendable () -> String) -> (WebServices, WebSettings) {
        let database = self.database
        let services = WebServices(
            accounts: accounts, sessions: sessions, apiKeys: apiKeys, forum: forum, search: search, uploads: uploads,
            blog: blog, profiles: profiles, members: self.members, viewers: viewers, delegation: delegation,
            roleReports: roleReports, people: people,
            moderation: moderation,
            penalties: penalties, calm: calm,
            timers: timers, texts: texts, watchedWords: watchedWords, settings: settings,
            categories: categories, inbox: inbox, feedback: feedback, health: health, letters: letters,
            sources: sources, policy: AccessPolicy(),
            checkHealth: { try await database.ping() }, metricsText: metricsText, now: now)
        var settings = WebSettings(
            community: community, secureCookies: config.secureCookies,
            sessionLifetimeSeconds: config.sessionDays * 86_400)
        settings.publicURL = config.publicURL
        settings.trustedProxies = config.trustedProxies
        settings.metricsAllowed = config.metricsAllowed
        settings.publicModerationLog = config.publicModerationLog
        settings.sendsMail = config.smtp != nil
        return (services, settings)
    }
}
