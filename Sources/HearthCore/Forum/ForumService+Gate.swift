import Foundation

/// Posts pass moderation's gate before they are stored (see `ModerationGate`): holds, watched words, the engine.
extension ForumService {
    /// What the gate makes of a draft; without a gate, everything goes out as written.
    func admit(
        _ viewer: Viewer?, _ author: Member, title: String?, body: String, reading: PostReading?,
        in categoryID: CategoryID, isEdit: Bool, at date: Date
    ) async throws -> Admission {
        guard let gate else { return Admission(title: title, body: body) }
        return try await gate.admit(
            Draft(
                author: author, byStaff: may(viewer, .approvePost, in: categoryID), title: title, body: body,
                reading: reading, isEdit: isEdit), at: date)
    }

    /// The post's author as stored (a moderator's edit is judged as its author's words).
    func author(of post: Post) async throws -> Member {
        guard let author = try await members.find(id: post.author.id) else {
            throw HearthError.notFound("This post's author no longer exists.")
        }
        return author
    }
}
