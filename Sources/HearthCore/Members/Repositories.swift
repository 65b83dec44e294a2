import Foundation

/// Members as stored. Implementations map a duplicate e-mail to `HearthError.conflict`.
public protocol MemberRepository: Sendable {
    func create(_ member: NewMember) async throws -> Member
    func find(id: MemberID) async throws -> Member?
    /// Looks up by e-mail, case-insensitively (e-mails are stored lower-cased).
    func find(email: String) async throws -> Member?
    func passwordHash(of id: MemberID) async throws -> String?
    func setPasswordHash(_ hash: String, of id: MemberID) async throws
    func count(role: Role) async throws -> Int
    /// Marks the member's e-mail address confirmed.
    func confirmEmail(of id: MemberID, at date: Date) async throws
    /// The oldest member with that role (the community manager who set the community up, say).
    func firstMember(withRole role: Role) async throws -> Member?
    func find(handle: String) async throws -> Member?
    /// Up to `limit` members whose display name is this one, in any case (names are not unique).
    func find(displayName: String, limit: Int) async throws -> [Member]
    /// The members with these handles (compared case-insensitively); unknown handles are left out.
    func summaries(handles: [String]) async throws -> [MemberSummary]
    func updateProfile(
        of id: MemberID, displayName: String, bio: String, avatarPath: String?, language: Language?
    ) async throws
}

/// Sessions as stored, found by the digest of the cookie's secret.
public protocol SessionRepository: Sendable {
    func create(
        tokenDigest: String, memberID: MemberID, csrfToken: String, createdAt: Date, expiresAt: Date,
        userAgent: String?
    ) async throws -> Session
    /// The live session and its member, or nil when unknown or expired at `now`.
    func find(tokenDigest: String, now: Date) async throws -> (Session, Member)?
    func extend(_ id: SessionID, until expiresAt: Date) async throws
    func delete(tokenDigest: String) async throws
    /// Signs a member out everywhere, except (optionally) the session making the change.
    func deleteAll(of memberID: MemberID, except keep: SessionID?) async throws
    func deleteExpired(before now: Date) async throws -> Int
    /// Records that the member used the site at `date` (the directory's "last seen").
    func markSeen(_ memberID: MemberID, at date: Date) async throws
}

/// Single-use tokens behind e-mailed and printed links.
public protocol OneTimeTokenRepository: Sendable {
    /// Stores a token; `outbox` jobs (the e-mail carrying its link) are queued in the same transaction.
    func create(
        purpose: TokenPurpose, tokenDigest: String, memberID: MemberID?, email: String?, createdAt: Date,
        expiresAt: Date, outbox: [NewJob]
    ) async throws
    /// The token if it exists, is unused and unexpired at `now`; does not use it.
    func find(purpose: TokenPurpose, tokenDigest: String, now: Date) async throws -> OneTimeToken?
    /// Marks the token used and returns it, atomically: of two concurrent calls, one gets nil.
    func consume(purpose: TokenPurpose, tokenDigest: String, now: Date) async throws -> OneTimeToken?
    /// Uses up every open token of a purpose (for one member, or all when nil).
    func invalidateAll(purpose: TokenPurpose, memberID: MemberID?, now: Date) async throws
}

extension OneTimeTokenRepository {
    public func create(
        purpose: TokenPurpose, tokenDigest: String, memberID: MemberID?, email: String?, createdAt: Date,
        expiresAt: Date
    ) async throws {
        try await create(
            purpose: purpose, tokenDigest: tokenDigest, memberID: memberID, email: email, createdAt: createdAt,
            expiresAt: expiresAt, outbox: [])
    }
}
