import Foundation

/// Browser sessions: a random secret in an HttpOnly cookie, its digest in the database, so sessions survive
/// restarts and can be revoked one by one or all at once.
public struct SessionService: Sendable {
    /// "Last seen" is written at most once per five minutes per member: the directory needs the day and the hour,
    /// and a member reading page after page must not turn every request into a write.
    public static let lastSeenResolution: TimeInterval = 300
    private let sessions: any SessionRepository
    private let lifetime: TimeInterval
    private let now: Now

    public init(sessions: any SessionRepository, lifetime: TimeInterval, now: @escaping Now) {
        self.sessions = sessions
        self.lifetime = lifetime
        self.now = now
    }

    /// Starts a session; returns the secret for the cookie (never stored) and the session.
    public func start(for member: Member, userAgent: String?) async throws -> (secret: String, session: Session) {
        let secret = SecretToken.generate()
        let current = now()
        let session = try await sessions.create(
            tokenDigest: SecretToken.digest(secret), memberID: member.id, csrfToken: SecretToken.generate(),
            createdAt: current, expiresAt: current.addingTimeInterval(lifetime),
            userAgent: userAgent.map { String($0.prefix(300)) })
        return (secret, session)
    }

    /// The live session behind a cookie secret. A session used in the second half of its life is extended,
    /// so that people who come back regularly stay signed in.
    public func resolve(secret: String) async throws -> (Session, Member)? {
        guard !secret.isEmpty, secret.count < 200 else { return nil }
        let current = now()
        guard let (found, stored) = try await sessions.find(tokenDigest: SecretToken.digest(secret), now: current)
        else { return nil }
        var session = found
        var member = stored
        if session.expiresAt.timeIntervalSince(current) < lifetime / 2 {
            session.expiresAt = current.addingTimeInterval(lifetime)
            try await sessions.extend(session.id, until: session.expiresAt)
        }
        if member.lastSeenAt.map({ current.timeIntervalSince($0) >= Self.lastSeenResolution }) ?? true {
            try await sessions.markSeen(member.id, at: current)
            member.lastSeenAt = current
        }
        return (session, member)
    }

    public func end(secret: String) async throws {
        try await sessions.delete(tokenDigest: SecretToken.digest(secret))
    }

    /// Removes expired sessions; returns how many.
    public func purgeExpired() async throws -> Int {
        try await sessions.deleteExpired(before: now())
    }
}
