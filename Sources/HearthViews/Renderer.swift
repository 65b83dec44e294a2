import Foundation
import HearthCore
import Mustache

/// Renders the bundled Mustache templates. Loaded once at start-up; a template missing from the bundle
/// is a packaging bug and stops start-up rather than showing an empty page later.
public struct Renderer: Sendable {
    private let library: MustacheLibrary
    public let localization: Localization
    /// 4 MiB holds about two thousand rendered posts of ordinary length: the pages a busy evening keeps
    /// reading, for a fraction of the memory a community's server may use.
    private let posts = FragmentCache<PostFragment>(budgetBytes: 4 << 20)

    public static func load() async throws -> Renderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw HearthError.unavailable("The page templates are missing from this build.")
        }
        let library = try await MustacheLibrary(directory: directory)
        return Renderer(library: library, localization: try Localization.load())
    }

    private init(library: MustacheLibrary, localization: Localization) {
        self.library = library
        self.localization = localization
    }

    public func render(_ object: Any, template: String) throws -> String {
        var object = object
        if var page = object as? any ShowsPosts {
            page.renderedPosts = try renderPosts(page.posts, chrome: page.page)
            object = page
        }
        return try renderTemplate(object, template)
    }

    private func renderTemplate(_ object: Any, _ template: String) throws -> String {
        guard let output = library.render(object, withTemplate: template) else {
            throw HearthError.notFound("No template named \(template).")
        }
        return output
    }

    /// Each post's HTML, from the cache when the same post was already rendered the same way.
    private func renderPosts(_ items: [PostItem], chrome: PageChrome) throws -> [RenderedFragment] {
        try items.map { item in
            let fragment = PostFragment(post: item, lang: chrome.lang)
            let html = try posts.fragment(fragment) {
                try renderTemplate(PostFragment.Scope(fragment, t: chrome.t), "post-item")
            }
            return RenderedFragment(html: html)
        }
    }
}

/// A page that shows posts. Its template writes `renderedPosts`, which the renderer fills from `posts`
/// through its fragment cache, rather than rendering the post template once per post per page view.
public protocol ShowsPosts {
    var page: PageChrome { get }
    var posts: [PostItem] { get }
    var renderedPosts: [RenderedFragment] { get set }
}

/// HTML rendered from one of our escaping templates, written into a page as it is.
public struct RenderedFragment: Sendable {
    public let html: String
}

/// A post as a reader sees it, in one language: the cache key of its rendering.
struct PostFragment: Hashable, Sendable {
    let post: PostItem
    let lang: String

    /// What the post template reads: the post's fields, and the interface strings as `t`.
    struct Scope: MustacheParent {
        let fragment: PostFragment
        let t: [String: String]

        init(_ fragment: PostFragment, t: [String: String]) {
            self.fragment = fragment
            self.t = t
        }

        func child(named key: String) -> Any? {
            key == "t" ? t : fragment.post.child(named: key)
        }
    }
}
