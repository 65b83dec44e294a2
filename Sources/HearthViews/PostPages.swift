import Foundation
import HearthCore

/// A post's own pages: its edit form and its history.
public struct EditPostPage: Sendable {
    public static let template = "edit-post"
    public let page: PageChrome
    public let action: String
    public let body: String
    public let cancelURL: String
    /// The edit count the form was opened at, sent back so that a save over a newer edit is refused.
    public let basedOn: Int
    /// The post's text now, shown when a newer edit was saved after this form was opened.
    public let currentHTML: String?
    /// Someone else's post (staff editing): the heading does not say "your".
    public let othersPost: Bool

    public init(
        page: PageChrome, post: Post, body: String, cancelURL: String, othersPost: Bool, showsCurrent: Bool = false
    ) {
        self.page = page
        self.action = "/p/\(post.id.rawValue)/edit"
        self.body = body
        self.cancelURL = cancelURL
        self.basedOn = post.editCount
        self.currentHTML = showsCurrent ? post.html : nil
        self.othersPost = othersPost
    }
}

public struct PostHistoryPage: Sendable {
    public static let template = "post-history"
    public struct Version: Sendable {
        public let body: String
        public let editorName: String
        public let replaced: String
    }

    public let page: PageChrome
    public let current: String
    public let versions: [Version]
    public let backURL: String

    public init(page: PageChrome, post: Post, revisions: [PostRevision], language: Language, backURL: String) {
        self.page = page
        self.current = post.body
        self.versions = revisions.reversed().map {
            Version(
                body: $0.body, editorName: $0.editor.displayName, replaced: Localization.date($0.replacedAt, language))
        }
        self.backURL = backURL
    }
}

/// Where things live, in one place.
public enum Paths {
    public static func topic(_ topic: Topic, page: Int = 1) -> String {
        "/t/\(topic.id.rawValue)/\(topic.slug)" + (page > 1 ? "?page=\(page)" : "")
    }

    public static func category(_ category: HearthCore.Category) -> String {
        "/c/\(category.slug)"
    }

    public static func member(_ handle: String) -> String {
        "/u/\(handle)"
    }
}
