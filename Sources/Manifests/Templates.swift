import Blueprint
import Foundation
import YAML

/// The base objects that generated objects are merged onto.
///
/// Each template is a partial Kubernetes object. Generated values win; keys only the template
/// has are kept; lists of named items (containers, ports, env, volumes, volumeMounts) merge by
/// `name`, and a template item named `"*"` is merged into every generated item of its list —
/// that is how `deployment.yaml` gives every container the same resources and probes.
public struct TemplateSet: Sendable, Hashable {
    public enum Kind: String, CaseIterable, Sendable {
        case deployment, orchestrator, service, pvc, namespace

        public var fileName: String { rawValue + ".yaml" }
        var objectKind: String {
            switch self {
            case .deployment, .orchestrator: return "Deployment"
            case .service: return "Service"
            case .pvc: return "PersistentVolumeClaim"
            case .namespace: return "Namespace"
            }
        }
    }

    public var templates: [Kind: YAMLNode]

    public init(templates: [Kind: YAMLNode]) {
        self.templates = templates
    }

    public subscript(kind: Kind) -> YAMLNode? { templates[kind] }

    /// Reads `DIR/<kind>.yaml` for each kind; a kind without a file keeps the built-in default.
    /// - Throws: ``ManifestError`` with file:line:column for malformed files.
    public static func load(directory: String) throws -> (TemplateSet, warnings: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ManifestError(.templates, "templates folder '\(directory)' does not exist",
                                hint: "pass a folder holding deployment.yaml, orchestrator.yaml, service.yaml, pvc.yaml or namespace.yaml")
        }
        var set = TemplateSet.builtIn
        var warnings: [String] = []
        let known = Set(Kind.allCases.map(\.fileName))
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries.sorted() where (entry.hasSuffix(".yaml") || entry.hasSuffix(".yml")) && !known.contains(entry) {
            warnings.append("\(directory)/\(entry): not a known template name (\(Kind.allCases.map(\.fileName).joined(separator: ", "))); ignored")
        }
        for kind in Kind.allCases {
            let path = (directory as NSString).appendingPathComponent(kind.fileName)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            set.templates[kind] = try parse(file: path, kind: kind)
        }
        return (set, warnings)
    }

    static func parse(file path: String, kind: Kind) throws -> YAMLNode {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ManifestError(.templates, "cannot read template: \(FileErrorText.describe(error))", file: path)
        }
        let document: YAMLDocument
        do {
            document = try YAMLParser().parseSingle(text)
        } catch let error as YAMLError {
            throw ManifestError(.templates, "malformed template: \(error.message)", file: path, mark: error.mark,
                                hint: "fix the YAML syntax; a template is one partial \(kind.objectKind) object")
        }
        guard let mapping = document.root.mapping else {
            throw ManifestError(.templates, "a template must be a mapping (a partial \(kind.objectKind)), found \(document.root.kindDescription)",
                                file: path, mark: document.mark(at: ""))
        }
        if let k = mapping["kind"], k != .string(kind.objectKind) {
            throw ManifestError(.templates, "\(kind.fileName) must describe a \(kind.objectKind), but its kind is \(k.string ?? k.kindDescription)",
                                file: path, mark: document.mark(at: "kind"), hint: "set kind: \(kind.objectKind) or remove the kind line")
        }
        return document.root
    }

    /// Merges `generated` onto `template`: generated values win, template-only keys are kept,
    /// named lists merge by name (`"*"` applies to every item).
    public static func merge(template: YAMLNode, generated: YAMLNode) -> YAMLNode {
        switch (template, generated) {
        case (.mapping(let t), .mapping(let g)):
            // Keys keep the generated order; a template-only key goes just before the first
            // shared key that follows it in the template (so `replicas` stays ahead of `template`).
            var result = YAMLMapping()
            var templateCursor = 0
            func flushTemplate(upTo end: Int) {
                while templateCursor < end {
                    let entry = t[templateCursor]
                    if g[entry.key] == nil { result[entry.key] = entry.value }
                    templateCursor += 1
                }
            }
            for entry in g {
                if let ti = t.entries.firstIndex(where: { $0.key == entry.key }) {
                    flushTemplate(upTo: ti)
                    result[entry.key] = merge(template: t[ti].value, generated: entry.value)
                } else {
                    result[entry.key] = entry.value
                }
            }
            flushTemplate(upTo: t.count)
            return .mapping(result)
        case (.sequence(let t), .sequence(let g)) where isNamedList(t) && isNamedList(g):
            let wildcard = t.filter { $0["name"] == "*" }
            let named = t.filter { $0["name"] != "*" }
            var result: [YAMLNode] = g.map { item in
                var merged = item
                for w in wildcard {
                    var base = w.mapping ?? YAMLMapping()
                    base["name"] = nil
                    merged = merge(template: .mapping(base), generated: merged)
                }
                if let match = named.first(where: { $0["name"] == item["name"] }) {
                    merged = merge(template: match, generated: merged)
                }
                return merged
            }
            for item in named where !g.contains(where: { $0["name"] == item["name"] }) { result.append(item) }
            return .sequence(result)
        default:
            return generated
        }
    }

    static func isNamedList(_ items: [YAMLNode]) -> Bool {
        items.allSatisfy { $0["name"]?.string != nil }
    }

    /// Puts the top-level keys of an object in the conventional order.
    static func canonicalOrder(_ node: YAMLNode) -> YAMLNode {
        guard let m = node.mapping else { return node }
        let head = ["apiVersion", "kind", "metadata", "spec"]
        var result = YAMLMapping()
        for key in head { result.set(key, m[key]) }
        for entry in m where !head.contains(entry.key) { result[entry.key] = entry.value }
        return .mapping(result)
    }
}

extension TemplateSet {
    /// The defaults kubeprint applies when no `--templates` folder overrides them; the files
    /// in the repository's `templates/` folder are these objects written out.
    public static let builtIn: TemplateSet = {
        let hardenedContainer = { (apiPort: String, requests: [String: String], limits: [String: String]) in
            Container(
                name: "*", imagePullPolicy: .ifNotPresent,
                resources: ResourceRequirements(requests: requests, limits: limits),
                readinessProbe: Probe(port: .string(apiPort), initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3),
                livenessProbe: Probe(port: .string(apiPort), initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3),
                securityContext: SecurityContext(allowPrivilegeEscalation: false, dropCapabilities: ["ALL"]))
        }
        let pod = { (container: Container) in
            PodSpec(automountServiceAccountToken: false, securityContext: PodSecurityContext(seccompProfileType: "RuntimeDefault"),
                    containers: [container])
        }
        let deployment = Deployment(
            metadata: ObjectMeta(),
            spec: DeploymentSpec(replicas: 1, revisionHistoryLimit: 3, template: PodTemplateSpec(spec: pod(hardenedContainer(
                "protobuf-api", ["cpu": "100m", "memory": "256Mi"], ["cpu": "1", "memory": "1Gi"])))))
        let orchestrator = Deployment(
            metadata: ObjectMeta(),
            spec: DeploymentSpec(replicas: 1, revisionHistoryLimit: 3, template: PodTemplateSpec(spec: pod(hardenedContainer(
                "mc-api", ["cpu": "50m", "memory": "128Mi"], ["cpu": "500m", "memory": "512Mi"])))))
        let service = Service(metadata: ObjectMeta(), spec: ServiceSpec())
        let pvc = PersistentVolumeClaim(metadata: ObjectMeta(), accessModes: ["ReadWriteMany"], volumeMode: "Filesystem", storage: "1Gi")
        let namespace = Namespace(metadata: ObjectMeta(labels: ["pod-security.kubernetes.io/enforce": "baseline"]))
        return TemplateSet(templates: [
            .deployment: pruned(deployment.yamlNode), .orchestrator: pruned(orchestrator.yamlNode),
            .service: pruned(service.yamlNode), .pvc: pruned(pvc.yamlNode), .namespace: pruned(namespace.yamlNode),
        ])
    }()

    /// Removes empty mappings (`metadata: {}`) from a template object.
    static func pruned(_ node: YAMLNode) -> YAMLNode {
        switch node {
        case .mapping(let m):
            var out = YAMLMapping()
            for entry in m {
                let v = pruned(entry.value)
                if case .mapping(let inner) = v, inner.isEmpty { continue }
                out[entry.key] = v
            }
            return .mapping(out)
        case .sequence(let items):
            return .sequence(items.map(pruned))
        default:
            return node
        }
    }
}

extension TemplateSet {
    /// The built-in templates as YAML files (`deployment.yaml`, …), as the repository's
    /// `templates/` folder holds them.
    public static func builtInFiles() throws -> [(name: String, text: String)] {
        try Kind.allCases.compactMap { kind in
            guard let node = builtIn[kind] else { return nil }
            do {
                return (kind.fileName, try YAMLEmitter().emit(canonicalOrder(node)))
            } catch {
                throw ManifestError(.emit, "cannot write template \(kind.fileName): \(error)")
            }
        }
    }
}
