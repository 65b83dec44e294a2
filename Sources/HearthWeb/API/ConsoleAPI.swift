import Foundation
import HearthCore
import Hummingbird

/// The console over JSON: the community's settings and its categories.
struct ConsoleAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/settings", use: settings)
        group.patch("/settings", use: changeSettings)
        group.patch("/categories/:id", use: changeCategory)
        group.delete("/categories/:id", use: deleteCategory)
    }

    @Sendable func settings(_ request: Request, context: Context) async throws -> APIModel.Settings {
        APIModel.Settings(try await services.settings.settings(context.identity))
    }

    @Sendable func changeSettings(_ request: Request, context: Context) async throws -> APIModel.Settings {
        var request = request
        let input = try await request.json(
            APIModel.SettingsChange.self, context: context,
            shape: #"{"name": "…", "signup": "open|invite_only|closed", "workingHours": "mon-fri 09:00-18:00", …}"#)
        return APIModel.Settings(try await services.settings.change(context.identity, input.changes))
    }

    @Sendable func changeCategory(_ request: Request, context: Context) async throws -> APIModel.Category {
        var request = request
        let id = CategoryID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.CategoryChange.self, context: context,
            shape:
                #"{"name": "…", "description": "…", "startPolicy": "everyone|staff", "readPolicy": "everyone|members|staff", "archived": false, "move": "up|down"}"#
        )
        let categories = services.categories
        guard let current = try await categories.categories(context.identity).first(where: { $0.id == id }) else {
            throw HearthError.notFound("There is no such category.")
        }
        var policy = current.startPolicy
        if let text = input.startPolicy {
            guard let chosen = Category.StartPolicy(rawValue: text) else {
                throw HearthError.invalid("startPolicy", "startPolicy is everyone or staff.")
            }
            policy = chosen
        }
        var readers: Category.ReadPolicy?
        if let text = input.readPolicy {
            guard let chosen = Category.ReadPolicy(rawValue: text) else {
                throw HearthError.invalid("readPolicy", "readPolicy is everyone, members or staff.")
            }
            readers = chosen
        }
        if input.name != nil || input.description != nil || input.startPolicy != nil || readers != nil {
            _ = try await categories.update(
                context.identity, id, name: input.name ?? current.name,
                description: input.description ?? current.description, startPolicy: policy, readPolicy: readers)
        }
        if let move = input.move {
            guard move == "up" || move == "down" else { throw HearthError.invalid("move", "move is up or down.") }
            try await categories.move(context.identity, id, up: move == "up")
        }
        if let archived = input.archived { try await categories.setArchived(context.identity, id, archived: archived) }
        guard let changed = try await categories.categories(context.identity).first(where: { $0.id == id }) else {
            throw HearthError.notFound("There is no such category.")
        }
        return APIModel.Category(changed)
    }

    @Sendable func deleteCategory(_ request: Request, context: Context) async throws -> Response {
        let target = request.uri.queryParameters["moveTo"].flatMap { Int64(String($0)) } ?? 0
        try await services.categories.delete(
            context.identity, CategoryID(try ForumPages.id(context)), movingTopicsTo: CategoryID(target))
        return Response(status: .noContent)
    }
}
