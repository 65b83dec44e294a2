import Foundation

/// The console's settings and the community manager's first steps.
public struct SettingsService: Sendable {
    let live: LiveSettings
    let store: any SettingsRepository
    let forum: ForumService
    let uploads: UploadService
    let policy: AccessPolicy
    let now: Now

    public init(
        live: LiveSettings, store: any SettingsRepository, forum: ForumService, uploads: UploadService,
        policy: AccessPolicy, now: @escaping Now
    ) {
        self.live = live
        self.store = store
        self.forum = forum
        self.uploads = uploads
        self.policy = policy
        self.now = now
    }

    /// The settings, for whoever may change them.
    public func settings(_ viewer: Viewer?) async throws -> CommunitySettings {
        let date = now()
        try policy.authorize(viewer, .administer, at: date)
        await live.refresh(at: date)
        return live.current
    }

    /// Checks and saves `changes` (only what differs is stored and logged) and makes them effective at once; a
    /// `logo` image, when sent, is stored once the other values are known good and becomes the logo. Every bad
    /// value is reported together, and nothing is saved then.
    @discardableResult
    public func change(_ viewer: Viewer?, _ changes: [CommunitySettings.Key: String], logo: [UInt8]? = nil)
        async throws -> CommunitySettings
    {
        let date = now()
        try policy.authorize(viewer, .administer, at: date)
        await live.reload(at: date)
        let before = live.current
        var changes = changes
        if let logo, !logo.isEmpty {
            _ = try before.applying(changes)
            changes[.logoPath] = try await uploads.store(viewer, bytes: logo).path
        }
        let after = try before.applying(changes)
        let changed = after.values.filter { before.values[$0.key] != $0.value }
        guard !changed.isEmpty else { return after }
        let names = changed.keys.map(\.rawValue).sorted()
        try await store.saveSettings(
            Dictionary(uniqueKeysWithValues: changed.map { ($0.key.rawValue, $0.value) }),
            log: NewLogEntry(
                actorID: viewer?.member.id, action: "change_settings", target: .community, targetID: 0,
                reason: names.joined(separator: ", ")),
            at: date)
        await live.reload(at: date)
        return live.current
    }

    /// A fresh community's first category and welcome topic, in the community manager's language, so that
    /// starting a topic works at once. Does nothing when the community already has a forum category.
    public func prepareCommunity(_ viewer: Viewer?, language: Language) async throws {
        try policy.authorize(viewer, .administer, at: now())
        guard try await forum.categories().isEmpty else { return }
        let french = language == .french
        let category = try await forum.createCategory(
            viewer, name: french ? "Général" : "General",
            description: french
                ? "Pour parler de tout ce qui concerne la communauté." : "For anything about the community.",
            startPolicy: .everyone)
        _ = try await forum.startTopic(
            viewer, in: category.id,
            title: french ? "Bienvenue !" : "Welcome!",
            body: french
                ? "Bienvenue dans la communauté **\(live.current.name)**. Présentez-vous ici, posez vos questions, et lisez les [règles de la communauté](/guidelines).\n\n*(Modifiez ce message pour lui donner votre ton.)*"
                : "Welcome to **\(live.current.name)**. Introduce yourself here, ask your questions, and read the [community guidelines](/guidelines).\n\n*(Edit this post to make it sound like you.)*"
        )
    }
}
