import Foundation

/// The current time, injected so that tests decide what "now" is.
public typealias Now = @Sendable () -> Date

extension Date {
    /// Milliseconds since 1970, the portable way dates are stored in both engines.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(millisecondsSince1970: Int64) {
        self.init(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
    }
}
