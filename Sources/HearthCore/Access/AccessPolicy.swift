import Foundation

/// Everything a person can try to do that someone might not be allowed to. Each moderation power is its own
/// action, so that a grant can hand out exactly one ("may hide posts in the beginners' category").
public enum Action: String, Sendable, Codable, CaseIterable, Hashable {
    case readCommunity = "read_community"
    case post
    case flag
    case editOwnProfile = "edit_own_profile"
    case manageAPIKeys = "manage_api_keys"
    /// Write and send one's own weekly report on a delegated role.
    case reportOnRole = "report_on_role"

    /// See deleted, hidden and held posts and removed topics.
    case seeRemoved = "see_removed"
    case editOthersPosts = "edit_others_posts"
    case deleteOthersPosts = "delete_others_posts"
    case hidePost = "hide_post"
    case approvePost = "approve_post"
    case handleFlags = "handle_flags"
    case warnMember = "warn_member"
    case silenceMember = "silence_member"
    case suspendMember = "suspend_member"
    case setSlowMode = "set_slow_mode"
    case remindRules = "remind_rules"
    case closeTopic = "close_topic"
    case pinTopic = "pin_topic"
    /// Start topics in a category only staff may start topics in.
    case startStaffTopic = "start_staff_topic"
    /// See what the triage engine read in a post.
    case readTriage = "read_triage"
    case viewModerationLog = "view_moderation_log"
    /// See the priority inbox (all of it, or a granted category's part).
    case readInbox = "read_inbox"
    /// Handle, snooze, assign, keep or let be the inbox's items.
    case workInbox = "work_inbox"
    case writeArticle = "write_article"
    /// Vote for a feedback item (+1, once).
    case voteFeedback = "vote_feedback"
    /// Follow a feedback item, to hear when it moves.
    case followFeedback = "follow_feedback"
    /// Read the board's internals: comments, export, deliveries (staff and the team).
    case seeFeedbackInternals = "see_feedback_internals"
    /// Leave an internal comment on a feedback item (staff and the team).
    case commentFeedback = "comment_feedback"
    /// Accept or decline candidates, write items, change their status, merge, split and tag them.
    case manageFeedback = "manage_feedback"
    /// Add and remove outgoing webhooks, re-send a delivery.
    case manageWebhooks = "manage_webhooks"
    /// Add, change and remove the outside sources (feeds, other forums, Mastodon, the mailbox), poll them now.
    case manageSources = "manage_sources"
    /// Read the community's health figures (staff and the team).
    case seeHealth = "see_health"
    /// Draft, edit and send the weekly letter to colleagues (community managers).
    case writeLetters = "write_letters"

    case manageCategories = "manage_categories"
    case editGuidelines = "edit_guidelines"
    /// Add and remove watched words.
    case manageWatchedWords = "manage_watched_words"
    case manageMembers = "manage_members"
    /// Make delegated roles ("Evening advisor"), give them to members and take them back.
    case manageRoles = "manage_roles"
    /// Lock a member's trust level, or unlock it (community managers).
    case setTrustLevel = "set_trust_level"
    /// Browse the member directory (`/admin/members`).
    case browseMembers = "browse_members"
    /// See `/people`: segments, engagement levels and the equity of attention.
    case seePeople = "see_people"
    /// See members' e-mail addresses in the directory and the API.
    case seeMemberEmails = "see_member_emails"
    /// Make a member a moderator or a community manager, or take it back.
    case changeRole = "change_role"
    /// Send a member a link to choose a new password.
    case sendPasswordReset = "send_password_reset"
    /// Erase a member's identity on their request, keeping their posts under "former member".
    case anonymiseMember = "anonymise_member"
    /// Create, list and revoke invitation links.
    case manageInvitations = "manage_invitations"
    /// Create, list and revoke every member's API keys (not only one's own).
    case manageAllAPIKeys = "manage_all_api_keys"
    case administer

    /// What a moderator may do by role, and what a grant may hand to a member.
    public static let moderation: Set<Action> = [
        .seeRemoved, .editOthersPosts, .deleteOthersPosts, .hidePost, .approvePost, .handleFlags, .warnMember,
        .silenceMember, .suspendMember, .setSlowMode, .remindRules, .closeTopic, .pinTopic, .startStaffTopic,
        .readTriage, .viewModerationLog, .writeArticle, .browseMembers, .seePeople, .seeMemberEmails, .readInbox,
        .workInbox, .seeFeedbackInternals, .commentFeedback, .manageFeedback, .seeHealth,
    ]

    /// What every member may do by role (their own profile only for `editOwnProfile`).
    public static let everyMember: Set<Action> = [
        .readCommunity, .post, .flag, .editOwnProfile, .manageAPIKeys, .reportOnRole, .voteFeedback, .followFeedback,
    ]

    /// What a colleague outside the community team may do besides what every member may: read the board and the
    /// health figures, comment inside, follow. No moderation power.
    public static let team: Set<Action> = [.seeFeedbackInternals, .commentFeedback, .seeHealth]

    /// The action's name in the API and in messages: `hidePost` for `hide_post`.
    public var name: String {
        let parts = rawValue.split(separator: "_")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }

    /// The action named `name` (`hidePost`).
    public init?(name: String) {
        guard let action = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = action
    }

    /// Actions that change something: a penalty or a read key stops them.
    public var writes: Bool {
        self != .readCommunity && self != .seeRemoved && self != .readTriage
            && self != .viewModerationLog && self != .browseMembers && self != .seePeople && self != .seeMemberEmails
            && self != .readInbox && self != .seeFeedbackInternals && self != .seeHealth
    }
}

/// What an action is done on.
public enum Resource: Sendable, Equatable, Hashable, Codable {
    case community
    case member(MemberID)
    case category(Int64)

    /// Whether a grant scoped to `self` reaches `other`: the community contains everything.
    func contains(_ other: Resource) -> Bool {
        self == .community || self == other
    }
}

/// The answer to "may they?", with the reason when not, in words for the person.
public enum Decision: Sendable, Equatable {
    case allowed
    case denied(String)

    public var isAllowed: Bool { self == .allowed }
}

/// The single place where permission is decided: a pure function of who, what action, on what, and when.
///
/// Roles give the defaults; grants add delegated, possibly time-windowed powers; the credential and the
/// member's penalties can only narrow what the member could do (a read-scoped API key cannot post, whatever its
/// owner's role; a silenced member cannot post until the silence ends).
public struct AccessPolicy: Sendable {
    public init() {}

    public func decide(_ viewer: Viewer?, _ action: Action, on resource: Resource = .community, at date: Date)
        -> Decision
    {
        guard let viewer else {
            return action == .readCommunity ? .allowed : .denied("Please log in first.")
        }
        if case .apiKey(_, .read) = viewer.credential, action.writes {
            return .denied("This API key can only read.")
        }
        let member = viewer.member
        if action != .readCommunity, let until = member.suspendedUntil, until > date {
            return .denied("Your account is suspended until \(Self.moment(until)).")
        }
        if action == .post || action == .flag, let until = member.silencedUntil, until > date {
            return .denied("You cannot post until \(Self.moment(until)): a moderator has silenced your account.")
        }
        if action == .post || action == .flag, member.awaitsEmailConfirmation {
            return .denied(
                "Confirm your e-mail address first: open the link in the e-mail we sent you, or ask for a new one at /confirm-email."
            )
        }
        if Self.roleAllows(member, action, on: resource) {
            return .allowed
        }
        if viewer.grants.contains(where: { $0.covers(action, on: resource, at: date) }) {
            return .allowed
        }
        return .denied("You are not allowed to do that.")
    }

    /// Throws `HearthError.forbidden` (or `.unauthorized` for anonymous viewers) unless allowed. Returns the name
    /// of the delegated role that allows it when the member's own role does not, for the moderation log.
    @discardableResult
    public func authorize(_ viewer: Viewer?, _ action: Action, on resource: Resource = .community, at date: Date)
        throws -> String?
    {
        if case .denied(let reason) = decide(viewer, action, on: resource, at: date) {
            throw viewer == nil ? HearthError.unauthorized(reason) : HearthError.forbidden(reason)
        }
        guard let viewer, !Self.roleAllows(viewer.member, action, on: resource) else { return nil }
        return viewer.grants.first { $0.covers(action, on: resource, at: date) }?.roleName
    }

    static func roleAllows(_ member: Member, _ action: Action, on resource: Resource) -> Bool {
        switch member.role {
        case .communityManager:
            return true
        case .moderator:
            if Action.moderation.contains(action) { return true }
        case .team:
            if Action.team.contains(action) { return true }
        case .member:
            break
        }
        if action == .editOwnProfile { return resource == .member(member.id) }
        return Action.everyMember.contains(action)
    }

    /// A date as people read it in a message: "2026-12-03 09:00 UTC".
    public static func moment(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) UTC"
    }
}
