import HearthViews
import Hummingbird

/// The home page. The forum, blog and announcements will fill it.
struct HomeController: Sendable {
    typealias Context = HearthRequestContext
    let pages: PageRenderer

    func addRoutes(to router: Router<Context>) {
        router.get("/") { _, context in
            pages.html(HomePage(page: pages.chrome(title: "Home", context: context)), template: HomePage.template)
        }
    }
}
