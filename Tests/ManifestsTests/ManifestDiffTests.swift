import Blueprint
import Foundation
import Manifests
import Testing
import TestSupport
import YAML

@Suite("manifest diff and solution drift")
struct ManifestDiffTests {
    static func objects(_ yaml: String) throws -> [ManifestObject] {
        try ManifestObject.objects(fromYAML: yaml, source: "test.yaml")
    }

    static let web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app.kubernetes.io/name: web}
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - name: web
                image: web:1
                ports: [{containerPort: 8061}]
              - name: sidecar
                image: side:1
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {ports: [{port: 80}]}
        """

    @Test("lists of named mappings match by name, others by index; missing fields show (none); order by kind, name, path")
    func fields() throws {
        let changed = Self.web
            .replacingOccurrences(of: "image: web:1", with: "image: web:2")
            .replacingOccurrences(of: "replicas: 1", with: "replicas: 3\n  paused: true")
            .replacingOccurrences(of: "app.kubernetes.io/name: web", with: "app.kubernetes.io/name: web2")
            .replacingOccurrences(of: "      - name: sidecar\n        image: side:1\n", with: "")
            .replacingOccurrences(of: "{port: 80}", with: "{port: 81}")
            + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n"
        // The sidecar goes first: containers are matched by name, not by position.
        let reordered = changed.replacingOccurrences(of: "      - name: web\n", with: "      - name: sidecar\n        image: side:1\n      - name: web\n")
        let diff = try ManifestDiff(old: Self.objects(Self.web), new: Self.objects(changed))
        #expect(diff.text == """
            + ConfigMap settings
            ~ Deployment web: metadata.labels["app.kubernetes.io/name"]: web → web2
            ~ Deployment web: spec.paused: (none) → true
            ~ Deployment web: spec.replicas: 1 → 3
            ~ Deployment web: spec.template.spec.containers[name=sidecar]: {"name": "sidecar", "image": "side:1"} → (none)
            ~ Deployment web: spec.template.spec.containers[name=web].image: web:1 → web:2
            ~ Service web: spec.ports[0].port: 80 → 81
            1 added, 0 removed, 2 changed (2 objects before, 3 after)

            """)
        let moved = try ManifestDiff(old: Self.objects(changed), new: Self.objects(reordered))
        #expect(moved.text.contains("~ Deployment web: spec.template.spec.containers[name=sidecar]: (none) → {\"name\": \"sidecar\", \"image\": \"side:1\"}"))
        #expect(!moved.text.contains("[name=web]"), "\(moved.text)")
        let json = JSONWriter(pretty: false).write(diff.json(old: "a", new: "b"))
        #expect(json.hasPrefix(#"{"same":false,"old":"a","new":"b","added":[{"kind":"ConfigMap","name":"settings"}],"removed":[],"changed":[{"kind":"Deployment","name":"web","fields":[{"path":"metadata.labels[\"app.kubernetes.io/name\"]","old":"web","new":"web2"},{"path":"spec.paused","new":true}"#), "\(json)")
    }

    @Test("the same objects in another order and layout are no difference; an object named twice is an error")
    func sameAndDuplicates() throws {
        let flipped = Self.web.components(separatedBy: "---\n").reversed().joined(separator: "\n---\n")
        let same = try ManifestDiff(old: Self.objects(Self.web), new: Self.objects(flipped))
        #expect(same.isEmpty)
        #expect(same.text == "no differences (2 objects on each side)\n")
        #expect(throws: ManifestError.self) { try ManifestDiff(old: Self.objects(Self.web + "\n---\n" + Self.web), new: []) }
        #expect(throws: ManifestError.self) { try Self.objects("kind: Service\nmetadata: {}\n") }
    }

    @Test("values that could be read as another type are quoted")
    func rendering() {
        #expect(ManifestDiff.render(.string("web:1")) == "web:1")
        #expect(ManifestDiff.render(.string("80")) == "\"80\"")
        #expect(ManifestDiff.render(.int(80)) == "80")
        #expect(ManifestDiff.render(.string("true")) == "\"true\"")
        #expect(ManifestDiff.render(.string("")) == "\"\"")
        #expect(ManifestDiff.render(.string("a\nb")) == "\"a\\nb\"")
        #expect(ManifestDiff.render(nil) == "(none)")
    }

    static func bundle() throws -> SolutionBundle {
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint("graphene-v2-houseprice-Moctader.json").path)
        let options = ManifestOptions()
        return try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                           options: options, protos: ProtoCollection())
    }

    @Test("drift: a written folder is clean; an edit, a lost file, a stale manifest, a mode and foreign files are told apart")
    func drift() throws {
        try Fixtures.withTemporaryDirectory { root in
            let folder = root.appendingPathComponent("solution").path
            let bundle = try Self.bundle()
            try bundle.write(to: folder, overwrite: false)
            let clean = try bundle.drift(from: folder)
            #expect(clean.isClean)
            #expect(clean.compared == bundle.files.count + 2)

            let fm = FileManager.default
            let deployment = folder + "/deployments/hppmodel1_deployment.yaml"
            try (try String(contentsOfFile: deployment, encoding: .utf8)).replacingOccurrences(of: "replicas: 1", with: "replicas: 4")
                .write(toFile: deployment, atomically: true, encoding: .utf8)
            try fm.removeItem(atPath: folder + "/dockerinfo.json")
            try "kind: Service\n".write(toFile: folder + "/deployments/gone_service.yaml", atomically: true, encoding: .utf8)
            try "resources: []\n".write(toFile: folder + "/kustomization.yaml", atomically: true, encoding: .utf8)
            try "notes\n".write(toFile: folder + "/deployments/NOTES.md", atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + "/deploy.sh")

            let drift = try bundle.drift(from: folder)
            #expect(drift.differences.map(\.path) == ["deploy.sh", "deployments/gone_service.yaml", "deployments/hppmodel1_deployment.yaml", "dockerinfo.json"])
            #expect(drift.ignored == ["deployments/NOTES.md", "kustomization.yaml"])
            let text = drift.unifiedDiff(folder: "sol")
            #expect(text.contains("sol/deploy.sh is not executable; the generated one is (mode 755)\n"))
            #expect(text.contains("--- sol/deployments/gone_service.yaml\n+++ generated (no longer written)\n@@ -1 +0,0 @@\n-kind: Service\n"))
            #expect(text.contains("--- sol/deployments/hppmodel1_deployment.yaml\n+++ generated\n@@ -16,7 +16,7 @@\n"))
            #expect(text.contains("\n-  replicas: 4\n+  replicas: 1\n"))
            #expect(text.contains("--- sol/dockerinfo.json (missing)\n+++ generated\n@@ -0,0 +1,"))

            let missing = try bundle.drift(from: root.appendingPathComponent("nowhere").path)
            #expect(missing.differences.count == bundle.files.count + 2)
            #expect(missing.unifiedDiff(folder: "nowhere").contains("Binary file nowhere/solution.zip is missing\n"))
        }
    }
}
