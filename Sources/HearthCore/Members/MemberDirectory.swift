import Foundation

/// How the member directory is ordered: both newest first, by a key and the id, so that paging is a keyset.
public enum MemberSort: String, Sendable, Codable, CaseIterable {
    /// Newest members first.
    case joined
    /// Members seen most recently first; those never seen last.
    case lastSeen = "last_seen"
}

/// A position in the directory: the last member shown, as the sort key (milliseconds) and the id. Written into
/// links and API responses as an opaque string ("<key>.<id>").
public struct MemberCursor: Sendable, Equatable {
    public var key: Int64
    public var id: MemberID

    public init(key: Int64, id: MemberID) {
        self.key = key
        self.id = id
    }

    public init(after member: Member, sort: MemberSort) {
        switch sort {
        case .joined: self.init(key: member.createdAt.millisecondsSince1970, id: member.id)
        case .lastSeen: self.init(key: member.lastSeenAt?.millisecondsSince1970 ?? 0, id: member.id)
        }
    }

    public var token: String { "\(key).\(id.rawValue)" }

    /// Reads a token; anything malformed is a validation error, never a crash or a silent first page.
    public init(token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        func digits(_ part: Substring) -> Bool {
            (1...18).contains(part.count) && part.allSatisfy { ("0"..."9").contains($0) }
        }
        guard parts.count == 2, digits(parts[0]), digits(parts[1]), parts[1].first != "0",
            let key = Int64(parts[0]), let id = Int64(parts[1])
        else {
            throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
        }
        self.init(key: key, id: MemberID(id))
    }
}

/// Which members the directory lists.
public struct MemberQuery: Sendable, Equatable {
    /// Part of a name, handle or (for staff who may see them) e-mail; empty lists everyone.
    public var search: String
    public var sort: MemberSort
    public var after: MemberCursor?
    public var limit: Int
    /// Whether the search may match e-mail addresses: only for those who may see them.
    public var searchEmails: Bool

    public init(
        search: String = "", sort: MemberSort = .joined, after: MemberCursor? = nil, limit: Int = 50,
        searchEmails: Bool = false
    ) {
        self.search = search
        self.sort = sort
        self.after = after
        self.limit = limit
        self.searchEmails = searchEmails
    }
}

/// A line of the directory: the member and how many posts everyone can see of theirs.
public struct MemberListing: Sendable, Equatable {
    public let member: Member
    /// Posts neither deleted nor hidden nor held.
    public let postCount: Int

    public init(member: Member, postCount: Int) {
        self.member = member
        self.postCount = postCount
    }

    /// The penalties in force at `date`, read from the member's row (no query per line).
    public func penaltiesInForce(at date: Date) -> [Penalty.Kind] {
        var kinds: [Penalty.Kind] = []
        if let until = member.suspendedUntil, until > date { kinds.append(.suspend) }
        if let until = member.silencedUntil, until > date { kinds.append(.silence) }
        if let until = member.warnedUntil, until > date { kinds.append(.warn) }
        return kinds
    }
}

/// A page of the directory and where the next one starts.
public struct MemberDirectoryPage: Sendable, Equatable {
    public let listings: [MemberListing]
    public let next: MemberCursor?

    public init(listings: [MemberListing], next: MemberCursor?) {
        self.listings = listings
        self.next = next
    }
}

/// What changing a role came to.
public enum RoleChange: Sendable, Equatable {
    case changed(from: Role)
    case noSuchMember
    /// The member is the last community manager: the community would have no one to run it.
    case lastCommunityManager
}

/// The directory and the staff's acts on members, as stored.
public protocol MemberDirectoryRepository: Sendable {
    func directory(_ query: MemberQuery) async throws -> [MemberListing]
    /// Posts of the member everyone can see (not deleted, hidden or held, in a topic everyone sees).
    func publicPostCount(of memberID: MemberID) async throws -> Int
    /// The member's latest posts, newest first; only those everyone can see when `publicOnly`.
    func recentPostIDs(of memberID: MemberID, limit: Int, publicOnly: Bool) async throws -> [PostID]
    /// Changes the role and logs it in one transaction; refuses to leave the community without a community manager.
    func setRole(of memberID: MemberID, to role: Role, log: NewLogEntry, at date: Date) async throws -> RoleChange
    /// Erases the member's identity (e-mail, name, handle, bio, avatar, password, sessions, links, keys, grants)
    /// and logs it, in one transaction. Returns the placeholder handle, or nil when there is no such member or it
    /// was already anonymised.
    func anonymise(_ memberID: MemberID, log: NewLogEntry, at date: Date) async throws -> String?
}

/// A member's writing as a profile shows it.
public struct MemberActivity: Sendable {
    public let publicPostCount: Int
    /// Their latest posts that the viewer may see, topics' opening posts and replies alike, with their topics.
    public let recent: [(Post, Topic)]
    /// When they last wrote something the viewer may see.
    public let lastPostedAt: Date?

    public init(publicPostCount: Int, recent: [(Post, Topic)], lastPostedAt: Date?) {
        self.publicPostCount = publicPostCount
        self.recent = recent
        self.lastPostedAt = lastPostedAt
    }
}
