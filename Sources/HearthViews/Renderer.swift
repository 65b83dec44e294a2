import Foundation
import HearthCore
import Mustache

/// Renders the bundled Mustache templates. Loaded once at start-up; a template missing from the bundle
/// is a packaging bug and stops start-up rather than showing an empty page later.
public struct Renderer: Sendable {
    private let library: MustacheLibrary
    public let localization: Localization

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
        guard let output = library.render(object, withTemplate: template) else {
            throw HearthError.notFound("No template named \(template).")
        }
        return output
    }
}
