import Foundation

/// A blueprint that passed validation: the document, its pipeline graph, and any warnings.
public struct LoadedBlueprint: Sendable {
    public var blueprint: Blueprint
    public var graph: PipelineGraph
    public var warnings: [Diagnostic]
}

/// Reads `blueprint.json` files into validated ``PipelineGraph`` values.
///
/// Every problem is collected (syntax, types, missing fields, names, links, images,
/// shared-folder paths) before the load fails once with all of them.
///
/// ```swift
/// let loaded = try BlueprintLoader.load(contentsOf: "blueprint.json")
/// for node in loaded.graph.deployableNodes { print(node.kubernetesName) }
/// ```
public enum BlueprintLoader {
    /// Loads and validates a file.
    /// - Throws: ``BlueprintError`` holding every diagnostic when any is an error.
    public static func load(contentsOf path: String) throws -> LoadedBlueprint {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw BlueprintError(file: path, diagnostics: [
                    Diagnostic(.error, .fileUnreadable, "the file is not UTF-8 text", path: "", hint: "save the blueprint as UTF-8 JSON", file: path),
                ])
            }
            text = decoded
        } catch let error as BlueprintError {
            throw error
        } catch {
            throw BlueprintError(file: path, diagnostics: [
                FileErrorText.isFolder(path)
                    ? Diagnostic(.error, .fileUnreadable, "'\(path)' is a folder, not a blueprint file", path: "",
                                 hint: "give the path of a blueprint.json", file: path)
                    : Diagnostic(.error, .fileUnreadable, "cannot read the file: \(FileErrorText.describe(error))", path: "",
                                 hint: "check that the path exists and is readable", file: path),
            ])
        }
        return try load(text: text, file: path)
    }

    /// Loads and validates blueprint text; `file` names it in diagnostics.
    public static func load(text: String, file: String) throws -> LoadedBlueprint {
        let (loaded, diagnostics) = diagnose(text: text, file: file)
        guard let loaded, !diagnostics.contains(where: \.isError) else {
            throw BlueprintError(file: file, diagnostics: diagnostics)
        }
        return loaded
    }

    /// Every diagnostic of a blueprint, and the loaded pipeline when there is no error.
    public static func diagnose(text: String, file: String) -> (LoadedBlueprint?, [Diagnostic]) {
        let document: JSONDocument
        do {
            document = try JSONParser().parse(text)
        } catch let error as JSONSyntaxError {
            return (nil, [Diagnostic(.error, .jsonSyntax, error.message, path: "",
                                     hint: "the blueprint must be valid JSON; check the text just before this position",
                                     file: file, position: error.position)])
        } catch {
            return (nil, [Diagnostic(.error, .jsonSyntax, "\(error)", path: "", file: file)])
        }
        var decoder = BlueprintDecoder(document: document, file: file)
        let blueprint = decoder.decode()
        var graph: PipelineGraph?
        if let blueprint {
            var builder = GraphBuilder(blueprint: blueprint, report: decoder.report)
            graph = builder.build()
            decoder.report = builder.report
        }
        let diagnostics = decoder.report.diagnostics
        guard let blueprint, let graph, !diagnostics.contains(where: \.isError) else { return (nil, diagnostics) }
        return (LoadedBlueprint(blueprint: blueprint, graph: graph, warnings: diagnostics), diagnostics)
    }
}

/// Collects diagnostics and places them in the file.
struct DiagnosticReport {
    let document: JSONDocument
    let file: String
    var diagnostics: [Diagnostic] = []

    mutating func add(_ severity: Diagnostic.Severity, _ code: Diagnostic.Code, _ message: String,
                      at path: String, node: String? = nil, hint: String? = nil)
    {
        diagnostics.append(Diagnostic(severity, code, message, path: path, node: node, hint: hint,
                                      file: file, position: document.position(of: path)))
    }
}

/// Decodes the JSON tree into ``Blueprint``, reporting wrong types and missing fields.
struct BlueprintDecoder {
    var report: DiagnosticReport

    init(document: JSONDocument, file: String) {
        report = DiagnosticReport(document: document, file: file)
    }

    mutating func decode() -> Blueprint? {
        let root = report.document.root
        guard let top = root.object else {
            report.add(.error, .wrongType, "the blueprint must be a JSON object, found \(root.kindDescription)", at: "",
                       hint: "a blueprint looks like {\"name\": …, \"nodes\": [ … ]}")
            return nil
        }
        let name = optionalString(top, "name", at: "")
        if name?.isEmpty ?? true, top["name"] == nil || top["name"]?.string != nil {
            report.add(.warning, .missingName, "the blueprint has no name; the pipeline is called 'pipeline'", at: "name",
                       hint: "add \"name\": \"my-pipeline\" at the top level")
        }
        let version = optionalString(top, "version", at: "")
        let type = optionalString(top, "type", at: "")
        let format: Blueprint.Format = (type == Blueprint.Format.topologyV2.rawValue || top["pipeline_id"] != nil) ? .topologyV2 : .designStudio

        var inputPorts: [PortReference] = []
        if let ports = array(top, "input_ports", at: "", required: false) {
            for (i, port) in ports.enumerated() {
                let path = JSONPath.index("input_ports", i)
                if let ref = portReference(port, at: path, node: nil) { inputPorts.append(ref) }
            }
        }

        var wantsProbe = false
        for key in ["probeIndicator", "probeIndocator"] {
            guard let value = top[key] else { continue }
            switch value {
            case .array(let items):
                wantsProbe = wantsProbe || items.contains { $0["value"]?.string?.lowercased() == "true" || $0["value"] == .bool(true) }
            case .bool(let b):
                wantsProbe = wantsProbe || b
            case .string(let s):
                wantsProbe = wantsProbe || s.lowercased() == "true"
            default:
                report.add(.error, .wrongType, "\(key) must be an array like [{\"value\": \"false\"}], found \(value.kindDescription)", at: key)
            }
        }

        var nodes: [BlueprintNode] = []
        if let items = array(top, "nodes", at: "", required: true) {
            if items.isEmpty {
                report.add(.error, .noDeployableNodes, "the blueprint has no nodes", at: "nodes",
                           hint: "add at least one model node to \"nodes\"")
            }
            for (i, item) in items.enumerated() {
                if let node = decodeNode(item, index: i) { nodes.append(node) }
            }
        }
        return Blueprint(name: name, version: version, format: format,
                         pipelineID: optionalString(top, "pipeline_id", at: ""),
                         creationDate: optionalString(top, "creation_date", at: ""),
                         inputPorts: inputPorts, nodes: nodes, wantsProbe: wantsProbe, document: root)
    }

    mutating func decodeNode(_ value: JSONValue, index: Int) -> BlueprintNode? {
        let path = JSONPath.index("nodes", index)
        guard let object = value.object else {
            report.add(.error, .wrongType, "each node must be an object, found \(value.kindDescription)", at: path)
            return nil
        }
        let name = requiredString(object, "container_name", at: path, node: nil,
                                  hint: "give the node a unique \"container_name\", e.g. \"model1\"")
        let label = name.flatMap { $0.isEmpty ? nil : $0 }
        let knownTypes = NodeType.known.map(\.rawValue)
        let typeText = requiredString(object, "node_type", at: path, node: label,
                                      hint: "use one of: " + knownTypes.joined(separator: ", "))
        let nodeType = typeText.flatMap { $0.isEmpty ? nil : NodeType($0) }
        let image: String?
        if let nodeType, !nodeType.isKnown {
            // A type from a newer platform (or a typo): never an error. With an image the node is
            // deployed like a model; without one it cannot be and is only kept in the graph.
            image = optionalString(object, "image", at: path)
            let hasImage = BlueprintNode.hasImage(image ?? "")
            let consequence = hasImage ? "the node is deployed like an MLModel"
                                       : "the node has no image, so it is kept in the graph but not deployed"
            let known = "Known node types: " + knownTypes.joined(separator: ", ")
            let hint = Suggestion.closest(to: nodeType.rawValue, in: knownTypes).map { "did you mean '\($0)'? \(known)" } ?? known
            report.add(.warning, .unknownNodeType, "node_type '\(nodeType.rawValue)' is not one kubeprint knows; \(consequence)",
                       at: JSONPath.key(path, "node_type"), node: label, hint: hint)
        } else if nodeType?.isDeployable ?? true {
            image = requiredString(object, "image", at: path, node: label,
                                   hint: "set \"image\" to the model's container image, e.g. registry.example.com/team/model:1.0")
        } else {
            image = optionalString(object, "image", at: path)
        }
        let protoURI = optionalString(object, "proto_uri", at: path)

        var operations: [Operation] = []
        if let list = array(object, "operation_signature_list", at: path, required: false, node: label) {
            for (i, item) in list.enumerated() {
                if let op = decodeOperation(item, at: JSONPath.index(JSONPath.key(path, "operation_signature_list"), i), node: label) {
                    operations.append(op)
                }
            }
        }
        // A node without an image is kept (its image problem is already reported) so that links
        // to it do not turn into confusing "unknown container" errors.
        guard let name, let nodeType else { return nil }
        return BlueprintNode(containerName: name, nodeType: nodeType, image: image ?? "", protoURI: protoURI,
                             operations: operations, index: index)
    }

    mutating func decodeOperation(_ value: JSONValue, at path: String, node: String?) -> Operation? {
        guard let object = value.object else {
            report.add(.error, .wrongType, "each operation must be an object, found \(value.kindDescription)", at: path, node: node)
            return nil
        }
        let sigPath = JSONPath.key(path, "operation_signature")
        guard let signatureValue = object["operation_signature"] else {
            report.add(.error, .missingField, "operation has no \"operation_signature\"", at: path, node: node,
                       hint: "add \"operation_signature\": {\"operation_name\": …, \"input_message_name\": …, \"output_message_name\": …}")
            return nil
        }
        guard let signature = signatureValue.object else {
            report.add(.error, .wrongType, "operation_signature must be an object, found \(signatureValue.kindDescription)", at: sigPath, node: node)
            return nil
        }
        let name = requiredString(signature, "operation_name", at: sigPath, node: node,
                                  hint: "name the operation as in the model's .proto service")
        var links: [PortReference] = []
        if let list = array(object, "connected_to", at: path, required: false, node: node) {
            for (i, item) in list.enumerated() {
                if let ref = portReference(item, at: JSONPath.index(JSONPath.key(path, "connected_to"), i), node: node) {
                    links.append(ref)
                }
            }
        }
        guard let name else { return nil }
        return Operation(name: name,
                         inputMessage: optionalString(signature, "input_message_name", at: sigPath),
                         outputMessage: optionalString(signature, "output_message_name", at: sigPath),
                         inputStream: optionalBool(signature, "input_message_stream", at: sigPath),
                         outputStream: optionalBool(signature, "output_message_stream", at: sigPath),
                         connectedTo: links)
    }

    mutating func portReference(_ value: JSONValue, at path: String, node: String?) -> PortReference? {
        guard let object = value.object else {
            report.add(.error, .wrongType, "expected an object {\"container_name\": …, \"operation_signature\": {\"operation_name\": …}}, found \(value.kindDescription)", at: path, node: node)
            return nil
        }
        let container = requiredString(object, "container_name", at: path, node: node,
                                       hint: "name the container this link goes to")
        let sigPath = JSONPath.key(path, "operation_signature")
        var operation: String?
        switch object["operation_signature"] {
        case .object(let sig)?:
            operation = requiredString(sig, "operation_name", at: sigPath, node: node, hint: "name the operation this link calls")
        case nil:
            report.add(.error, .missingField, "link has no \"operation_signature\"", at: path, node: node,
                       hint: "add \"operation_signature\": {\"operation_name\": …}")
        case let other?:
            report.add(.error, .wrongType, "operation_signature must be an object, found \(other.kindDescription)", at: sigPath, node: node)
        }
        guard let container, let operation else { return nil }
        return PortReference(containerName: container, operationName: operation)
    }

    // MARK: Field readers

    mutating func requiredString(_ object: JSONObject, _ key: String, at parent: String, node: String?, hint: String) -> String? {
        let path = JSONPath.key(parent, key)
        switch object[key] {
        case nil, .null?:
            report.add(.error, .missingField, "missing \"\(key)\"", at: object[key] == nil ? parent : path, node: node, hint: hint)
            return nil
        case .string(let s)?:
            if s.trimmingCharacters(in: .whitespaces).isEmpty {
                report.add(.error, .emptyField, "\"\(key)\" is empty", at: path, node: node, hint: hint)
                return nil
            }
            return s
        case let other?:
            report.add(.error, .wrongType, "\"\(key)\" must be a string, found \(other.kindDescription)", at: path, node: node,
                       hint: "write it in double quotes")
            return nil
        }
    }

    mutating func optionalString(_ object: JSONObject, _ key: String, at parent: String) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?:
            report.add(.error, .wrongType, "\"\(key)\" must be a string, found \(other.kindDescription)", at: JSONPath.key(parent, key),
                       hint: "write it in double quotes")
            return nil
        }
    }

    mutating func optionalBool(_ object: JSONObject, _ key: String, at parent: String) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case .string(let s)? where s == "true" || s == "false": return s == "true"
        case let other?:
            report.add(.error, .wrongType, "\"\(key)\" must be true or false, found \(other.kindDescription)", at: JSONPath.key(parent, key))
            return nil
        }
    }

    mutating func array(_ object: JSONObject, _ key: String, at parent: String, required: Bool, node: String? = nil) -> [JSONValue]? {
        switch object[key] {
        case nil, .null?:
            if required {
                report.add(.error, .missingField, "missing \"\(key)\"", at: parent, node: node, hint: "add \"\(key)\": [ … ]")
            }
            return nil
        case .array(let items)?:
            return items
        case let other?:
            report.add(.error, .wrongType, "\"\(key)\" must be an array, found \(other.kindDescription)", at: JSONPath.key(parent, key), node: node)
            return nil
        }
    }
}
