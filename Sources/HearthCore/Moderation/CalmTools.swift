import Foundation

/// The calm tools for a thread that heats up: slow it down rather than delete message after message, and remind
/// the rules in one click.
public struct CalmTools: Sendable {
    /// Slow mode's delay: from ten seconds to a day.
    public static let delayRange = 10...86_400
    /// Slow mode lasts at most a month.
    public static let longest: TimeInterval = 31 * 86_400

    let forum: ForumService
    let moderation: any ModerationRepository
    let texts: CommunityTexts
    let policy: AccessPolicy
    let now: Now

    public init(
        forum: ForumService, moderation: any ModerationRepository, texts: CommunityTexts, policy: AccessPolicy,
        now: @escaping Now
    ) {
        self.forum = forum
        self.moderation = moderation
        self.texts = texts
        self.policy = policy
        self.now = now
    }

    /// Sets slow mode on a topic: `seconds` between one member's replies, until `until`. It ends by itself.
    public func setSlowMode(_ viewer: Viewer?, topic topicID: TopicID, seconds: Int, until: Date) async throws {
        let date = now()
        let topic = try await forum.visibleTopic(topicID, for: viewer)
        let roleName = try policy.authorize(
            viewer, .setSlowMode, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try ModerationService.member(viewer)
        guard Self.delayRange.contains(seconds) else {
            throw HearthError.invalid("seconds", "The delay between replies is from 10 seconds to 24 hours.")
        }
        guard until > date, until.timeIntervalSince(date) <= Self.longest else {
            throw HearthError.invalid("until", "Slow mode ends in the future, within a month.")
        }
        try await forum.forum.setSlowMode(topicID, SlowMode(seconds: seconds, until: until))
        try await moderation.log(
            NewLogEntry(
                actorID: actor.id, action: "slow mode", target: .topic, targetID: topicID.rawValue,
                reason: "\(seconds) s until \(AccessPolicy.moment(until))", roleName: roleName),
            at: date)
        forum.changes.bump(topicID)
    }

    public func endSlowMode(_ viewer: Viewer?, topic topicID: TopicID) async throws {
        let date = now()
        let topic = try await forum.visibleTopic(topicID, for: viewer)
        let roleName = try policy.authorize(
            viewer, .setSlowMode, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try ModerationService.member(viewer)
        guard topic.slowMode?.isActive(at: date) == true else { return }
        try await forum.forum.setSlowMode(topicID, nil)
        try await moderation.log(
            NewLogEntry(
                actorID: actor.id, action: "end slow mode", target: .topic, targetID: topicID.rawValue,
                roleName: roleName),
            at: date)
        forum.changes.bump(topicID)
    }

    /// Posts the rules reminder in a topic as the moderator, in the community's language or the one asked for.
    @discardableResult
    public func remindRules(_ viewer: Viewer?, topic topicID: TopicID, language: Language) async throws -> Post {
        let date = now()
        let topic = try await forum.visibleTopic(topicID, for: viewer)
        let roleName = try policy.authorize(
            viewer, .remindRules, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try ModerationService.member(viewer)
        let body = try await texts.text(.rulesReminder, language: language)
        let post = try await forum.reply(viewer, to: topicID, body: body, asNotice: true)
        try await moderation.log(
            NewLogEntry(
                actorID: actor.id, action: "remind rules", target: .topic, targetID: topicID.rawValue,
                textAfter: body, roleName: roleName),
            at: date)
        return post
    }
}

/// The texts the community manager writes, in French and English, with defaults until they do.
public struct CommunityTexts: Sendable {
    public enum Name: String, Sendable, CaseIterable {
        case guidelines
        case rulesReminder = "rules_reminder"
        /// Posted in a thread when the feedback item it raised changes status.
        case feedbackNotice = "feedback_notice"
    }

    let texts: any CommunityTextRepository
    let policy: AccessPolicy
    let now: Now

    public init(texts: any CommunityTextRepository, policy: AccessPolicy, now: @escaping Now) {
        self.texts = texts
        self.policy = policy
        self.now = now
    }

    public func text(_ name: Name, language: Language) async throws -> String {
        try await texts.text(name.rawValue, language: language) ?? Self.defaults[name]?[language] ?? ""
    }

    /// Replaces a text (Markdown), logging the text before and after.
    public func setText(_ viewer: Viewer?, _ name: Name, language: Language, body rawBody: String) async throws {
        let date = now()
        try policy.authorize(viewer, .editGuidelines, at: date)
        let actor = try ModerationService.member(viewer)
        let body = rawBody.withoutXMLForbiddenCharacters.unixLineBreaks.trimmed()
        guard (1...20_000).contains(body.count) else {
            throw HearthError.invalid("body", "Write the text: from 1 to 20,000 characters.")
        }
        let before = try await text(name, language: language)
        try await texts.setText(
            name.rawValue, language: language, body: body, by: actor.id,
            log: NewLogEntry(
                actorID: actor.id, action: "edit \(name.rawValue.replacingOccurrences(of: "_", with: " "))",
                target: .guidelines, targetID: 0, reason: language.rawValue, textBefore: before, textAfter: body),
            at: date)
    }

    static let defaults: [Name: [Language: String]] = [
        .guidelines: [
            .english: """
            **Be kind.** Disagree with ideas, not with people. No insults, no harassment, no hate.

            **Stay on topic.** Start a new topic for a new subject, and search before you ask.

            **Help others.** A good answer explains; a good question says what you tried.

            **No spam, no self-promotion** beyond your profile.

            Moderators may hide, slow down or close a conversation, and silence or suspend an account that \
            keeps breaking these rules. Flag a post that needs them: they will look.
            """,
            .french: """
            **Soyez bienveillant.** Critiquez les idées, pas les personnes. Pas d'insultes, pas de harcèlement, \
            pas de haine.

            **Restez dans le sujet.** Ouvrez un nouveau sujet pour une nouvelle question, et cherchez avant de \
            demander.

            **Aidez les autres.** Une bonne réponse explique ; une bonne question dit ce que vous avez essayé.

            **Pas de spam ni d'autopromotion** en dehors de votre profil.

            Les modérateurs peuvent masquer, ralentir ou fermer une conversation, et mettre en sourdine ou \
            suspendre un compte qui enfreint ces règles. Signalez un message qui le mérite : ils le verront.
            """,
        ],
        .rulesReminder: [
            .english: """
            A word from the moderators: this conversation matters, so let's keep it kind and on topic. \
            Disagree with ideas, not with people, and take a moment before replying. Our \
            [guidelines](/guidelines) say how we talk here.
            """,
            .french: """
            Un mot des modérateurs : cette conversation compte, alors gardons-la courtoise et dans le sujet. \
            Critiquez les idées, pas les personnes, et prenez un instant avant de répondre. Nos \
            [règles](/guidelines) disent comment nous échangeons ici.
            """,
        ],
        .feedbackNotice: [
            .english: """
            **{title}** is now **{status}**. {note}

            Thank you {thanks} for raising it. Follow it on the [feedback board]({link}).
            """,
            .french: """
            **{title}** est maintenant **{status}**. {note}

            Merci {thanks} de l'avoir signalé. Suivez-le sur le [tableau des retours]({link}).
            """,
        ],
    ]
}
