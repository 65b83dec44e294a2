import Foundation

/// A small chart drawn on the server as SVG: readable without JavaScript, sized by its view box, named for
/// screen readers (`role="img"` with a title), and always shown beside the table of its numbers.
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        public let name: String
        public let values: [Double?]
        /// One of the stylesheet's chart classes (`series-1` …).
        public let style: String

        public init(name: String, values: [Double?], style: String) {
            self.name = name
            self.values = values
            self.style = style
        }
    }

    public enum Kind: Sendable {
        case bars, lines
    }

    static let width = 640.0
    static let height = 200.0
    static let left = 44.0
    static let bottom = 24.0
    static let top = 10.0

    public let title: String
    public let labels: [String]
    public let series: [Series]
    public let kind: Kind
    /// How the axis writes its top value ("12", "40 %").
    public let format: @Sendable (Double) -> String

    public init(
        title: String, labels: [String], series: [Series], kind: Kind,
        format: @escaping @Sendable (Double) -> String = { String(Int($0.rounded())) }
    ) {
        self.title = title
        self.labels = labels
        self.series = series
        self.kind = kind
        self.format = format
    }

    /// The SVG element; every text in it is escaped.
    public var svg: String {
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let low = min(0, values.min() ?? 0)
        let high = max(low + 1e-9, values.max() ?? 1, low == 0 ? 1e-9 : 0)
        let plotWidth = Self.width - Self.left - 8
        let plotHeight = Self.height - Self.top - Self.bottom
        let slot = plotWidth / Double(max(1, labels.count))
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - (value - low) / (high - low)) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts = [
            #"<svg class="chart" viewBox="0 0 \#(Int(Self.width)) \#(Int(Self.height))" role="img" aria-label="\#(Self.escape(title))" xmlns="http://www.w3.org/2000/svg">"#,
            "<title>\(Self.escape(title))</title>",
            #"<line class="axis" x1="\#(number(Self.left))" y1="\#(number(y(low)))" x2="\#(number(Self.width - 8))" y2="\#(number(y(low)))"/>"#,
            #"<text class="tick" x="\#(number(Self.left - 6))" y="\#(number(y(high) + 4))" text-anchor="end">\#(Self.escape(format(high)))</text>"#,
            #"<text class="tick" x="\#(number(Self.left - 6))" y="\#(number(y(low)))" text-anchor="end">\#(Self.escape(format(low)))</text>"#,
        ]
        if low < 0 {
            parts.append(
                #"<line class="zero" x1="\#(number(Self.left))" y1="\#(number(y(0)))" x2="\#(number(Self.width - 8))" y2="\#(number(y(0)))"/>"#
            )
        }
        let step = max(1, labels.count / 7)
        for (index, label) in labels.enumerated() where index % step == 0 {
            let x = Self.left + slot * (Double(index) + 0.5)
            parts.append(
                #"<text class="tick" x="\#(number(x))" y="\#(number(Self.height - 6))" text-anchor="middle">\#(Self.escape(label))</text>"#
            )
        }
        for (number_, line) in series.enumerated() {
            switch kind {
            case .bars:
                let barWidth = slot * 0.8 / Double(max(1, series.count))
                for (index, value) in line.values.enumerated() {
                    guard let value else { continue }
                    let x = Self.left + slot * Double(index) + slot * 0.1 + barWidth * Double(number_)
                    let top = min(y(value), y(0))
                    parts.append(
                        #"<rect class="\#(line.style)" x="\#(number(x))" y="\#(number(top))" width="\#(number(barWidth))" height="\#(number(max(0.5, abs(y(value) - y(0)))))"/>"#
                    )
                }
            case .lines:
                let points = line.values.enumerated().compactMap { index, value in
                    value.map { "\(number(Self.left + slot * (Double(index) + 0.5))),\(number(y($0)))" }
                }
                guard !points.isEmpty else { continue }
                parts.append(
                    #"<polyline class="\#(line.style)" fill="none" points="\#(points.joined(separator: " "))"/>"#)
                // A dot on each day measured, so that a lone day shows too.
                for point in points {
                    let xy = point.split(separator: ",")
                    parts.append(#"<circle class="\#(line.style)" cx="\#(xy[0])" cy="\#(xy[1])" r="3"/>"#)
                }
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
