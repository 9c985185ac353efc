import Foundation
import Simulation

/// Readers for the Azure Functions 2019 trace files (AzureFunctionsDataset2019): per-minute
/// invocation counts, execution-time percentiles and memory percentiles.
public enum AzureTrace {
    public struct Table {
        public var header: [String]
        public var rows: [[String]]

        public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
    }

    public static func read(_ path: String) -> Table? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return nil }
        return Table(header: header, rows: Array(lines.dropFirst()))
    }

    /// A distribution from percentile points (percent → value): 101 quantiles by linear
    /// interpolation between the given ones, each equally likely.
    public static func distribution(percentiles points: [(Double, Double)], scale: Double) -> Distribution? {
        let sorted = points.sorted { $0.0 < $1.0 }
        guard let first = sorted.first, let last = sorted.last, sorted.count >= 2 else { return nil }
        var values: [Double] = []
        for q in 0...100 {
            let p = Double(q)
            var v = first.1
            if p >= last.0 {
                v = last.1
            } else if p > first.0 {
                for k in 1..<sorted.count where p <= sorted[k].0 {
                    let (p0, v0) = sorted[k - 1], (p1, v1) = sorted[k]
                    v = p1 > p0 ? v0 + (v1 - v0) * (p - p0) / (p1 - p0) : v1
                    break
                }
            }
            values.append(max(0, v) * scale)
        }
        return .empirical(values)
    }

    /// Execution time (seconds) from `function_durations_percentiles.anon.dNN.csv` (milliseconds).
    public static func durations(_ table: Table, row: [String]) -> Distribution? {
        let columns: [(Double, String)] = [(0, "percentile_Average_0"), (1, "percentile_Average_1"), (25, "percentile_Average_25"),
                                           (50, "percentile_Average_50"), (75, "percentile_Average_75"), (99, "percentile_Average_99"),
                                           (100, "percentile_Average_100")]
        let points = columns.compactMap { p, name in table.column(name).flatMap { $0 < row.count ? Double(row[$0]) : nil }.map { (p, $0) } }
        return distribution(percentiles: points, scale: 0.001)
    }

    /// Memory (bytes) from `app_memory_percentiles.anon.dNN.csv` (megabytes).
    public static func memory(_ table: Table, row: [String]) -> Distribution? {
        let columns: [(Double, String)] = [(1, "AverageAllocatedMb_pct1"), (5, "AverageAllocatedMb_pct5"), (25, "AverageAllocatedMb_pct25"),
                                           (50, "AverageAllocatedMb_pct50"), (75, "AverageAllocatedMb_pct75"), (95, "AverageAllocatedMb_pct95"),
                                           (99, "AverageAllocatedMb_pct99"), (100, "AverageAllocatedMb_pct100")]
        let points = columns.compactMap { p, name in table.column(name).flatMap { $0 < row.count ? Double(row[$0]) : nil }.map { (p, $0) } }
        return distribution(percentiles: points, scale: 1_048_576)
    }
}
