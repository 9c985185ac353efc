import Foundation
import Manifests
import Playground
import Testing
import TestSupport

@Suite("metrics folder checks")
struct MetricsFolderTests {
    @Test("a metrics folder kubeprint cannot list is refused, not taken for an empty one")
    func unlistable() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "mine".write(to: out.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        // As a folder with mode 000 for a user other than root (the tests run as root, where
        // permissions never stop a listing, so the failure is injected).
        let access = OutputPaths.FolderAccess(list: { _ in throw CocoaError(.fileReadNoPermission) },
                                              remove: OutputPaths.FolderAccess.system.remove)
        let refused = #expect(throws: ManifestError.self) { try ClusterReport.checkMetricsFolder(out.path, inputs: [], access: access) }
        #expect(refused?.message.contains("--output '\(out.path)' cannot be listed (permission denied)") == true, "\(String(describing: refused))")
        #expect(try Fixtures.text(out.appendingPathComponent("nodes.csv")) == "mine")
    }

    @Test("a folder holding the marker and metrics files passes; the same files without the marker do not")
    func marker() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for name in ["nodes.csv", "summary.json"] {
            try "x".write(to: out.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let refused = #expect(throws: ManifestError.self) { try ClusterReport.checkMetricsFolder(out.path, inputs: []) }
        #expect(refused?.message.contains("('nodes.csv', 'summary.json')") == true, "\(String(describing: refused))")
        #expect(refused?.hint?.contains(ClusterReport.metricsMarkerName) == true)
        try "x".write(to: out.appendingPathComponent(ClusterReport.metricsMarkerName), atomically: true, encoding: .utf8)
        try ClusterReport.checkMetricsFolder(out.path, inputs: [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).count == 3)
    }
}
