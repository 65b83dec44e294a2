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
        try services.policy.authorize(context.identity, .readCommunity, at: services.now())
        guard let member = context.identity?.member else {
            throw HearthError.unauthorized("Send `Authorization: Bearer <api key>` or log in first.")
        }
        return MemberJSON(
            id: member.id.rawValue, displayName: member.displayName, email: member.email, role: member.role.rawValue,
            createdAt: member.createdAt)
    }
}
