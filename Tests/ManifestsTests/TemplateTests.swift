import Blueprint
import Foundation
import Manifests
import Testing
import TestSupport
import YAML

@Suite("Templates")
struct TemplateTests {
    @Test("generated values win, template-only keys stay, named lists merge by name")
    func mergeRules() {
        let template: YAMLNode = [
            "spec": ["replicas": 3, "paused": false, "ports": [["name": "a", "port": 1, "extra": "t"], ["name": "b", "port": 2]]],
        ]
        let generated: YAMLNode = ["spec": ["replicas": 1, "ports": [["name": "a", "port": 10], ["name": "c", "port": 30]]]]
        let merged = TemplateSet.merge(template: template, generated: generated)
        #expect(merged == [
            "spec": ["replicas": 1, "paused": false,
                     "ports": [["name": "a", "port": 10, "extra": "t"], ["name": "c", "port": 30], ["name": "b", "port": 2]]],
        ])
    }

    @Test("an item named * applies to every item of its list")
    func wildcard() {
        let template: YAMLNode = ["containers": [["name": "*", "imagePullPolicy": "Always", "image": "ignored"]]]
        let generated: YAMLNode = ["containers": [["name": "a", "image": "x"], ["name": "b", "image": "y"]]]
        #expect(TemplateSet.merge(template: template, generated: generated) == [
            "containers": [["name": "a", "imagePullPolicy": "Always", "image": "x"], ["name": "b", "imagePullPolicy": "Always", "image": "y"]],
        ])
    }

    @Test("unnamed lists are replaced by the generated list")
    func unnamedLists() {
        #expect(TemplateSet.merge(template: ["modes": ["A", "B"]], generated: ["modes": ["C"]]) == ["modes": ["C"]])
    }

    @Test("a templates folder overrides the built-in defaults per file")
    func folderOverride() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try "spec:\n  template:\n    spec:\n      containers:\n      - name: \"*\"\n        resources:\n          limits:\n            nvidia.com/gpu: 1\n      tolerations:\n      - key: gpu\n        operator: Exists\n"
            .write(to: dir.appendingPathComponent("deployment.yaml"), atomically: true, encoding: .utf8)
        let (set, warnings) = try TemplateSet.load(directory: dir.path)
        #expect(warnings.isEmpty)
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint("sudoku-tutorial.json").path)
        let manifests = ManifestGenerator(options: ManifestOptions(), templates: set).generate(loaded.graph)
        let model = try #require(manifests.manifests.first { $0.kind == .deployment && $0.name == "sudoku-tutorial-gui1" })
        let pod = try #require(model.object["spec"]?["template"]?["spec"])
        #expect(pod["tolerations"] == [["key": "gpu", "operator": "Exists"]])
        #expect(pod["containers"]?.sequence?.first?["resources"] == ["limits": ["nvidia.com/gpu": 1]])
        // The orchestrator keeps the built-in orchestrator template.
        let orchestrator = try #require(manifests.manifests.first { $0.kind == .deployment && $0.name == "orchestrator" })
        #expect(orchestrator.object["spec"]?["template"]?["spec"]?["tolerations"] == nil)
        #expect(orchestrator.object["spec"]?["template"]?["spec"]?["containers"]?.sequence?.first?["readinessProbe"] != nil)
    }

    @Test("a malformed template is an error with file:line:column")
    func malformed() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try "spec:\n  replicas: [1, 2\n".write(to: dir.appendingPathComponent("service.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try TemplateSet.load(directory: dir.path)
            Issue.record("expected an error")
        } catch let error as ManifestError {
            #expect(error.file?.hasSuffix("service.yaml") == true)
            #expect(error.mark?.line == 3)
            #expect(error.description.contains("service.yaml:3:"))
        }
    }

    @Test("a template of the wrong kind is refused")
    func wrongKind() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try "kind: Service\n".write(to: dir.appendingPathComponent("pvc.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: ManifestError.self) { try TemplateSet.load(directory: dir.path) }
    }

    @Test("unknown template files are reported, missing folder is an error")
    func unknownFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        try "a: 1\n".write(to: dir.appendingPathComponent("ingress.yaml"), atomically: true, encoding: .utf8)
        #expect(try TemplateSet.load(directory: dir.path).warnings.count == 1)
        #expect(throws: ManifestError.self) { try TemplateSet.load(directory: dir.path + "/nope") }
    }

    /// The repository's templates/ folder is the built-in defaults written out; RECORD_GOLDEN=1 rewrites it.
    @Test("templates/ matches the built-in defaults")
    func repositoryTemplates() throws {
        for file in try TemplateSet.builtInFiles() {
            let url = Fixtures.packageRoot.appendingPathComponent("templates").appendingPathComponent(file.name)
            if Golden.isRecording {
                try file.text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            #expect(try Fixtures.text(url) == file.text, "templates/\(file.name) differs from the built-in default")
        }
        // Loading the folder gives exactly the built-in set.
        let (set, _) = try TemplateSet.load(directory: Fixtures.packageRoot.appendingPathComponent("templates").path)
        #expect(set == TemplateSet.builtIn)
    }
}
