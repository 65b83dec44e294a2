import Foundation
import HearthCore
import Hummingbird

/// The JSON API under `/api/v1`.
struct APIController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    /// A member as the API shows it.
    struct MemberJSON: ResponseEncodable {
        let id: Int64
        let displayName: String
        let email: String
        let role: String
        let createdAt: Date
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/me", use: me)
    }

    @Sendable func me(_ request: Request, context: Context) async throws -> MemberJSON {
        let viewer = context.identity
        try services.policy.authorize(viewer, .editOwnProfile, on: .member(viewer?.member.id ?? MemberID(0)), at: services.now())
        guard let member = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        return MemberJSON(
            id: member.id.rawValue, displayName: member.displayName, email: member.email, role: member.role.rawValue,
            createdAt: member.createdAt)
    }
}
