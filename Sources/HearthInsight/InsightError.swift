/// What can go wrong when loading models or reading data for the triage engine. Each case reads as a sentence
/// for the person at the terminal.
public enum InsightError: Error, Equatable, CustomStringConvertible {
    case missingResource(String)
    case badModel(String)
    case badData(String)

    public var description: String {
        switch self {
        case .missingResource(let detail): "A bundled resource of the triage engine is missing (\(detail))."
        case .badModel(let detail): "The model file cannot be used: \(detail)."
        case .badData(let detail): detail
        }
    }
}
