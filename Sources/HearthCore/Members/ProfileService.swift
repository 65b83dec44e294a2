import Foundation

/// What members show of themselves: looking a profile up, and changing one's own name, bio, picture and
/// interface language.
public struct ProfileService: Sendable {
    let members: any MemberRepository
    let policy: AccessPolicy
    let now: Now

    public init(members: any MemberRepository, policy: AccessPolicy, now: @escaping Now) {
        self.members = members
        self.policy = policy
        self.now = now
    }

    public func member(handle: String) async throws -> Member {
        guard let member = try await members.find(handle: handle) else {
            throw HearthError.notFound("There is no member with that name.")
        }
        return member
    }

    public func member(id: MemberID) async throws -> Member {
        guard let member = try await members.find(id: id) else {
            throw HearthError.notFound("There is no member with that name.")
        }
        return member
    }

    /// Sets the interface language a member reads Hearth in.
    public func setLanguage(_ viewer: Viewer?, _ language: Language) async throws {
        let member = try own(viewer)
        try await members.updateProfile(
            of: member.id, displayName: member.displayName, bio: member.bio, avatarPath: member.avatarPath,
            language: language)
    }

    /// Changes what others see of a member: name, short bio (Markdown), avatar (an upload), and the language.
    public func updateProfile(
        _ viewer: Viewer?, displayName rawName: String, bio rawBio: String, avatarPath: String?, language: Language?
    ) async throws {
        let member = try own(viewer)
        let name = rawName.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        let bio = rawBio.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldError] = []
        if !(1...60).contains(name.count) {
            problems.append(FieldError(field: "name", message: "Choose a name of 1 to 60 characters."))
        }
        if bio.count > 1_000 {
            problems.append(FieldError(field: "bio", message: "A bio can be at most 1,000 characters long."))
        }
        if let avatarPath,
            !avatarPath.hasPrefix("/uploads/")
                || Upload.parse(fileName: String(avatarPath.dropFirst("/uploads/".count))) == nil
        {
            problems.append(FieldError(field: "avatar", message: "An avatar is an image uploaded here."))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        try await members.updateProfile(
            of: member.id, displayName: name, bio: bio, avatarPath: avatarPath, language: language)
    }

    /// The viewer's own account, if they may edit it.
    private func own(_ viewer: Viewer?) throws -> Member {
        guard let member = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        try policy.authorize(viewer, .editOwnProfile, on: .member(member.id), at: now())
        return member
    }
}
