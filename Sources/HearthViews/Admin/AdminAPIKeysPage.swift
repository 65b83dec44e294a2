import Foundation
import HearthCore

/// `/admin/api-keys`: create a key (shown once), list every key with its owner and last use, revoke.
public struct AdminAPIKeysPage: Sendable {
    public static let template = "admin-api-keys"

    public struct Row: Sendable {
        public let id: Int64
        public let keyName: String
        public let prefix: String
        public let scopeText: String
        public let ownerName: String
        public let ownerURL: String?
        public let lastUsedText: String
        /// "revoked" with the date, or empty for a live key (which gets a revoke button).
        public let revokedText: String
        public let live: Bool
    }

    public typealias ScopeOption = FormOption

    public let page: PageChrome
    public let nav: ConsoleNav
    public let rows: [Row]
    public let hasRows: Bool
    /// The secret just created, shown this once.
    public let createdSecret: String?
    public let scopes: [ScopeOption]
    /// What was typed, given back when it was refused.
    public let draftName: String
    public let draftOwner: String

    public init(
        page: PageChrome, keys: [(APIKey, MemberSummary?)], createdSecret: String?, draftName: String,
        draftScope: APIKey.Scope, draftOwner: String, localization: Localization, language: Language
    ) {
        self.page = page
        self.nav = ConsoleNav(current: "api-keys", localization: localization, language: language)
        self.rows = keys.map { key, owner in
            Row(
                id: key.id.rawValue, keyName: key.name, prefix: key.displayPrefix + "…",
                scopeText: localization.text("keys_scope_\(key.scope.rawValue)", language),
                ownerName: owner?.displayName ?? "—", ownerURL: owner.map { "/u/\($0.handle)" },
                lastUsedText: key.lastUsedAt.map { Localization.date($0, language) }
                    ?? localization.text("keys_neverUsed", language),
                revokedText: key.revokedAt.map {
                    localization.text("keys_revokedOn", language, ["date": Localization.date($0, language)])
                } ?? "",
                live: key.revokedAt == nil)
        }
        self.hasRows = !rows.isEmpty
        self.createdSecret = createdSecret
        self.scopes = APIKey.Scope.allCases.map {
            ScopeOption(
                value: $0.rawValue, label: localization.text("keys_scope_\($0.rawValue)", language),
                selected: $0 == draftScope)
        }
        self.draftName = draftName
        self.draftOwner = draftOwner
    }
}
