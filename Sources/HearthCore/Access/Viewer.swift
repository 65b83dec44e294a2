/// Who is making a request, and how they proved it.
public struct Viewer: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        case session(SessionID)
        case apiKey(APIKeyID, APIKey.Scope)
        /// Not a request: asking the policy what a member could do (may they see an item assigned to them?).
        case assessed
    }

    public let member: Member
    public let credential: Credential
    /// Delegated powers the member holds (ambassador, evening advisor…); see `AccessPolicy`.
    public let grants: [Grant]

    public init(member: Member, credential: Credential, grants: [Grant] = []) {
        self.member = member
        self.credential = credential
        self.grants = grants
    }
}
