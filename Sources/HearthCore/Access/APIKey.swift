import Foundation

public typealias APIKeyID = Identifier<APIKey>

/// A key for scripts and integrations, sent as `Authorization: Bearer hth_…`. Only its digest is stored;
/// the key itself is shown once, when created.
public struct APIKey: Sendable, Equatable, Codable {
    public enum Scope: String, Sendable, Codable, CaseIterable {
        case read
        case write
    }

    public let id: APIKeyID
    public let memberID: MemberID
    public let name: String
    public let scope: Scope
    /// The first characters of the key, to recognise it in a list without revealing it.
    public let displayPrefix: String
    public let createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: APIKeyID, memberID: MemberID, name: String, scope: Scope, displayPrefix: String, createdAt: Date,
        lastUsedAt: Date?, revokedAt: Date?
    ) {
        self.id = id
        self.memberID = memberID
        self.name = name
        self.scope = scope
        self.displayPrefix = displayPrefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

public protocol APIKeyRepository: Sendable {
    func create(
        memberID: MemberID, name: String, scope: APIKey.Scope, keyDigest: String, displayPrefix: String,
        createdAt: Date
    ) async throws -> APIKey
    /// The unrevoked key with this digest and its owner.
    func find(keyDigest: String) async throws -> (APIKey, Member)?
    func list() async throws -> [APIKey]
    /// Returns false when no unrevoked key has that id.
    func revoke(_ id: APIKeyID, at date: Date) async throws -> Bool
    func markUsed(_ id: APIKeyID, at date: Date) async throws
}

/// Creates, lists, revokes and checks API keys.
public struct APIKeyService: Sendable {
    static let keyPrefix = "hth_"
    /// "Last used" is recorded at most once a minute per key: precise enough to spot a dead key, and a
    /// script calling the API in a loop does not turn every read into a write.
    static let lastUsedResolution: TimeInterval = 60
    private let keys: any APIKeyRepository
    private let members: any MemberRepository
    private let viewers: ViewerResolver
    private let now: Now

    public init(
        keys: any APIKeyRepository, members: any MemberRepository, viewers: ViewerResolver, now: @escaping Now
    ) {
        self.viewers = viewers
        self.keys = keys
        self.members = members
        self.now = now
    }

    /// Creates a key owned by the member with `ownerEmail`, or by the first community manager when nil.
    /// Returns the key record and the secret, which is never retrievable again.
    public func create(name: String, scope: APIKey.Scope, ownerEmail: String?) async throws -> (APIKey, String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(trimmed.count) else {
            throw HearthError.invalid("name", "Give the key a name of 1 to 80 characters.")
        }
        let owner: Member
        if let ownerEmail {
            guard let found = try await members.find(email: ownerEmail) else {
                throw HearthError.notFound("No member has the e-mail \(ownerEmail).")
            }
            owner = found
        } else {
            guard let manager = try await members.firstMember(withRole: .communityManager) else {
                throw HearthError.notFound(
                    "There is no community manager yet: run `hearth create-admin` or open the setup link first.")
            }
            owner = manager
        }
        let secret = SecretToken.generate(prefix: Self.keyPrefix)
        let key = try await keys.create(
            memberID: owner.id, name: trimmed, scope: scope, keyDigest: SecretToken.digest(secret),
            displayPrefix: String(secret.prefix(Self.keyPrefix.count + 6)), createdAt: now())
        return (key, secret)
    }

    public func list() async throws -> [APIKey] {
        try await keys.list()
    }

    public func revoke(_ id: APIKeyID) async throws {
        guard try await keys.revoke(id, at: now()) else {
            throw HearthError.notFound("No active API key has the id \(id).")
        }
    }

    /// The viewer behind a bearer secret, or nil when the key is unknown or revoked.
    public func authenticate(secret: String) async throws -> Viewer? {
        guard secret.hasPrefix(Self.keyPrefix), secret.count < 200 else { return nil }
        guard let (key, member) = try await keys.find(keyDigest: SecretToken.digest(secret)) else { return nil }
        let current = now()
        if key.lastUsedAt.map({ current.timeIntervalSince($0) >= Self.lastUsedResolution }) ?? true {
            try await keys.markUsed(key.id, at: current)
        }
        return try await viewers.viewer(member, credential: .apiKey(key.id, key.scope))
    }
}
