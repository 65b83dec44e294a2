import HearthCore

/// The parts of the configuration the web layer needs.
public struct WebSettings: Sendable {
    /// The community's settings, which the community manager changes in the console: read at each use.
    public let community: LiveSettings
    public var communityName: String { community.current.name }
    public var signupMode: SignupMode { community.current.signupMode }
    /// The language for visitors whose browser asks for neither French nor English.
    public var defaultLanguage: Language { community.current.language }
    /// Cookies are marked Secure when the public URL is https.
    public var secureCookies: Bool
    public var sessionLifetimeSeconds: Int
    /// The address the community is reached at, without a trailing slash; feeds and e-mails use it.
    public var publicURL: String = "http://localhost:8080"
    /// Reverse proxies whose `X-Forwarded-For` names the real client.
    public var trustedProxies: [AddressRange] = []
    /// Who may read `/metrics` (by default this machine only).
    public var metricsAllowed: [AddressRange] = [AddressRange("127.0.0.1")!, AddressRange("::1")!]
    /// Whether every page's footer links the public moderation log.
    public var publicModerationLog = false
    /// Whether e-mail leaves through a mail server (`HEARTH_SMTP_URL`) rather than into the log.
    public var sendsMail = false

    public init(community: LiveSettings, secureCookies: Bool, sessionLifetimeSeconds: Int) {
        self.community = community
        self.secureCookies = secureCookies
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
    }
}

/// What the routes call. Built once in HearthApp.
public struct WebServices: Sendable {
    public var accounts: AccountService
    public var sessions: SessionService
    public var apiKeys: APIKeyService
    public var forum: ForumService
    public var search: SearchService
    public var uploads: UploadService
    public var blog: BlogService
    public var profiles: ProfileService
    public var members: MemberService
    /// Builds the viewer behind a session, with the powers of the member's roles.
    public var viewers: ViewerResolver
    public var delegation: DelegationService
    public var roleReports: RoleReportService
    public var people: PeopleService
    public var moderation: ModerationService
    public var penalties: PenaltyService
    public var calm: CalmTools
    public var timers: TopicTimers
    public var texts: CommunityTexts
    public var watchedWords: WatchedWordService
    public var settings: SettingsService
    public var categories: CategoryAdmin
    public var inbox: InboxService
    public var feedback: FeedbackService
    /// The health dashboard's figures.
    public var health: HealthService
    /// The weekly letter to colleagues.
    public var letters: LetterService
    /// The outside sources.
    public var sources: SourceService
    public var policy: AccessPolicy
    /// Checks the database for `/healthz`; throws when it does not answer.
    public var checkHealth: @Sendable () async throws -> Void
    /// The Prometheus text exposition for `/metrics`.
    public var metricsText: @Sendable () -> String
    public var now: Now

    public init(
        accounts: AccountService, sessions: SessionService, apiKeys: APIKeyService, forum: ForumService,
        search: SearchService, uploads: UploadService, blog: BlogService, profiles: ProfileService,
        members: MemberService, viewers: ViewerResolver, delegation: DelegationService,
        roleReports: RoleReportService, people: PeopleService, moderation: ModerationService,
        penalties: PenaltyService,
        calm: CalmTools, timers: TopicTimers, texts: CommunityTexts, watchedWords: WatchedWordService,
        settings: SettingsService, categories: CategoryAdmin, inbox: InboxService, feedback: FeedbackService,
        health: HealthService, letters: LetterService, sources: SourceService, policy: AccessPolicy,
        checkHealth: @escaping @Sendable () async throws -> Void, metricsText: @escaping @Sendable () -> String,
        now: @escaping Now
    ) {
        self.accounts = accounts
        self.sessions = sessions
        self.apiKeys = apiKeys
        self.forum = forum
        self.search = search
        self.uploads = uploads
        self.blog = blog
        self.profiles = profiles
        self.members = members
        self.viewers = viewers
        self.delegation = delegation
        self.roleReports = roleReports
        self.people = people
        self.moderation = moderation
        self.penalties = penalties
        self.calm = calm
        self.timers = timers
        self.texts = texts
        self.watchedWords = watchedWords
        self.settings = settings
        self.categories = categories
        self.inbox = inbox
        self.feedback = feedback
        self.health = health
        self.letters = letters
        self.sources = sources
        self.policy = policy
        self.checkHealth = checkHealth
        self.metricsText = metricsText
        self.now = now
    }
}
