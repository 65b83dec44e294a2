import Foundation
import HearthCore
import Hummingbird

extension APIModel {
    /// The community's settings, as the console shows them.
    struct Settings: ResponseEncodable, Codable {
        let name: String
        let description: String
        let logoPath: String?
        let language: String
        let timeZone: String
        let workingHours: String
        let signup: String
        let confirmEmail: Bool
        let uploadMaxBytes: Int
        let uploadMaxPixels: Int
        let firstStepsDone: Bool

        init(_ settings: CommunitySettings) {
            name = settings.name
            description = settings.description
            logoPath = settings.logoPath
            language = settings.language.rawValue
            timeZone = settings.timeZone.identifier
            workingHours = settings.workingHoursText
            signup = settings.signupMode.rawValue
            confirmEmail = settings.confirmEmail
            uploadMaxBytes = settings.uploadLimits.maximumBytes
            uploadMaxPixels = settings.uploadLimits.maximumPixels
            firstStepsDone = settings.firstStepsDone
        }
    }

    /// A change to the settings: only the fields sent change.
    struct SettingsChange: Decodable {
        let name: String?
        let description: String?
        let logoPath: String?
        let language: String?
        let timeZone: String?
        let workingHours: String?
        let signup: String?
        let confirmEmail: Bool?
        let uploadMaxBytes: Int?
        let uploadMaxPixels: Int?
        let firstStepsDone: Bool?

        var changes: [CommunitySettings.Key: String] {
            var changes: [CommunitySettings.Key: String] = [:]
            changes[.name] = name
            changes[.description] = description
            changes[.logoPath] = logoPath
            changes[.language] = language
            changes[.timeZone] = timeZone
            changes[.workingHours] = workingHours
            changes[.signupMode] = signup
            changes[.confirmEmail] = confirmEmail.map { $0 ? "on" : "off" }
            changes[.uploadMaxBytes] = uploadMaxBytes.map(String.init)
            changes[.uploadMaxPixels] = uploadMaxPixels.map(String.init)
            changes[.firstStepsDone] = firstStepsDone.map { $0 ? "on" : "off" }
            return changes
        }
    }

    /// A change to a category: only the fields sent change; `move` is "up" or "down".
    struct CategoryChange: Decodable {
        let name: String?
        let description: String?
        let startPolicy: String?
        let readPolicy: String?
        let archived: Bool?
        let move: String?
    }
}
