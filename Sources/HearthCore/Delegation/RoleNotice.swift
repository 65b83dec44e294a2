import Foundation

/// What a role holder is told beside their notifications about posts: a role given, last week's report opened, the
/// community manager's answer to it. Each links to `/my-roles`.
public struct RoleNotice: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, CaseIterable {
        case roleGiven = "role_given"
        case reportOpened = "report_opened"
        case reportAnswered = "report_answered"
    }

    public let id: Int64
    public let kind: Kind
    public let nameEN: String
    public let nameFR: String
    public let week: ISOWeek?
    public let createdAt: Date
    public let readAt: Date?

    public init(
        id: Int64, kind: Kind, nameEN: String, nameFR: String, week: ISOWeek?, createdAt: Date, readAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.nameEN = nameEN
        self.nameFR = nameFR
        self.week = week
        self.createdAt = createdAt
        self.readAt = readAt
    }

    public func name(_ language: Language) -> String { language == .french ? nameFR : nameEN }
}

/// A holder's notices (written by the role and report repositories in the transactions that give a role, open a
/// report or answer it).
public protocol RoleNoticeRepository: Sendable {
    /// Newest first.
    func notices(of memberID: MemberID, limit: Int) async throws -> [RoleNotice]
    func markRead(of memberID: MemberID, at date: Date) async throws
}
