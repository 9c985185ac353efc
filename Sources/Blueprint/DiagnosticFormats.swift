import Foundation

extension Diagnostic.Code {
    /// What the diagnostic means, in one sentence (the rule's short description in SARIF).
    public var summary: String {
        switch self {
        case .jsonSyntax: return "The blueprint is not valid JSON."
        case .fileUnreadable: return "The blueprint file cannot be read as UTF-8 text."
        case .wrongType: return "A blueprint field has the wrong JSON type."
        case .missingField: return "A field that a node, operation or link needs is missing."
        case .emptyField: return "A field that a node needs is empty."
        case .unknownNodeType: return "A node has a node_type kubeprint does not know."
        case .legacyNodeType: return "A legacy Design Studio node (Splitter, Collator, Probe) is kept in the graph but not deployed."
        case .duplicateContainerName: return "Two nodes have the same container_name."
        case .nameCollision: return "Two container names become the same Kubernetes name."
        case .reservedName: return "A container name becomes the name of the orchestrator kubeprint adds."
        case .unknownConnection: return "connected_to names a container that is not in the blueprint."
        case .unknownOperation: return "connected_to names an operation the target node does not have."
        case .invalidImage: return "A node's image is not a valid container image reference."
        case .invalidSharedFolderPath: return "A shared folder's path is not an absolute path without '..'."
        case .unusedSharedFolder: return "A shared folder is mounted by no node, so no volume is created."
        case .ignoredLink: return "A link that means nothing for a shared folder is ignored."
        case .probeNotDeployed: return "probeIndicator asks for the Acumos probe, which kubeprint does not deploy."
        case .unknownInputPort: return "input_ports names a container that is not in the blueprint."
        case .noDeployableNodes: return "The blueprint has no node that becomes a Deployment."
        case .missingName: return "The blueprint has no name."
        }
    }

    /// How to fix what the diagnostic reports, in general (each diagnostic's own hint is
    /// more precise); the rule's help text in SARIF.
    public var help: String {
        switch self {
        case .jsonSyntax: return "Fix the JSON at the position given; a trailing comma or a missing quote is the usual cause."
        case .fileUnreadable: return "Check the path, and save the blueprint as UTF-8 JSON."
        case .wrongType: return "Give the field the type the message names (for example an array of objects, or a string)."
        case .missingField: return "Add the field the message names, as the platform that exported the blueprint writes it."
        case .emptyField: return "Give the field a value: container names, node types and images cannot be empty."
        case .unknownNodeType: return "Use one of MLModel, DataBroker, DataSource or SharedFolder; a node with an image is deployed like a model."
        case .legacyNodeType: return "Remove the node or replace it with a model; kubeprint deploys no Splitter, Collator or Probe."
        case .duplicateContainerName: return "Give each node a container_name of its own."
        case .nameCollision: return "Rename one of the nodes so that their Kubernetes names (lower case, '-' for other characters) differ."
        case .reservedName: return "Rename the node; 'orchestrator' is taken by the orchestrator Deployment kubeprint adds."
        case .unknownConnection: return "Name an existing container (the hint suggests the closest one) or add the missing node."
        case .unknownOperation: return "Name an operation of the target node's operation_signature_list."
        case .invalidImage: return "Write the image as registry/repository:tag without a URL scheme, spaces or upper case in the repository path."
        case .invalidSharedFolderPath: return "Use an absolute path such as /data/shared without '..' or ':'."
        case .unusedSharedFolder: return "Link the folder's provideFolder operation to a node's mountVolume operation, or remove the folder."
        case .ignoredLink: return "Remove the link; only provideFolder to mountVolume links mount a shared folder."
        case .probeNotDeployed: return "Set probeIndicator to false, or deploy the probe yourself."
        case .unknownInputPort: return "Name an existing container in input_ports (the hint suggests the closest one)."
        case .noDeployableNodes: return "Add at least one MLModel, DataBroker or DataSource node with an image."
        case .missingName: return "Add a \"name\" to the blueprint; it names the pipeline."
        }
    }
}

extension Diagnostic {
    /// The message with the node and the hint after it: `message (node 'x'; hint: …)`, for
    /// formats that show one line of text per diagnostic.
    public var messageWithDetails: String {
        var details: [String] = []
        if let node { details.append("node '\(node)'") }
        if let hint { details.append("hint: \(hint)") }
        return details.isEmpty ? message : "\(message) (\(details.joined(separator: "; ")))"
    }
}

/// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), which
/// GitHub shows as annotations on the blueprint's lines in a pull request.
public enum GitHubAnnotations {
    /// One workflow command for `diagnostic`; `file` stands in when the diagnostic names none.
    public static func command(for diagnostic: Diagnostic, file: String? = nil) -> String {
        var properties: [String] = []
        if let file = diagnostic.file ?? file { properties.append("file=" + escapeProperty(file)) }
        if let position = diagnostic.position {
            properties.append("line=\(position.line)")
            properties.append("col=\(position.column)")
        }
        properties.append("title=" + escapeProperty("kubeprint \(diagnostic.code.rawValue)"))
        let command = diagnostic.isError ? "error" : "warning"
        return "::\(command) \(properties.joined(separator: ","))::\(escapeData(diagnostic.messageWithDetails))"
    }

    /// A command's message escaped as GitHub's runner reads it back: `%`, CR and LF.
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A property value escaped: as a message, and `:` and `,` too (they end a value).
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A SARIF 2.1.0 log (the OASIS Static Analysis Results Interchange Format) of diagnostics,
/// for code-scanning tools such as GitHub's. Keys are written in a fixed order, so the same
/// diagnostics give the same bytes.
public enum SARIFLog {
    /// The SARIF version written.
    public static let version = "2.1.0"
    /// The JSON schema of that version (OASIS, errata 01).
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// The log of one run of `toolName` over `diagnostics` (each paired with the file it was
    /// found in, used when the diagnostic names none). Every ``Diagnostic/Code`` is a rule,
    /// in declaration order.
    public static func document(toolName: String = "kubeprint", toolVersion: String,
                                diagnostics: [(diagnostic: Diagnostic, file: String?)]) -> JSONValue
    {
        let codes = Diagnostic.Code.allCases
        let rules: [JSONValue] = codes.map { code in
            .object(JSONObject([
                "id": .string(code.rawValue),
                "name": .string(ruleName(code)),
                "shortDescription": .object(["text": .string(code.summary)]),
                "fullDescription": .object(["text": .string(code.summary + " " + code.help)]),
                "help": .object(["text": .string(code.help)]),
                "defaultConfiguration": .object(["level": .string(defaultLevel(code))]),
            ]))
        }
        let results: [JSONValue] = diagnostics.map { item in
            let d = item.diagnostic
            var result = JSONObject([
                "ruleId": .string(d.code.rawValue),
                "ruleIndex": .number(String(codes.firstIndex(of: d.code) ?? 0)),
                "level": .string(d.isError ? "error" : "warning"),
                "message": .object(["text": .string(d.messageWithDetails)]),
            ])
            if let file = d.file ?? item.file {
                var physical = JSONObject(["artifactLocation": .object(["uri": .string(uri(forPath: file))])])
                if let position = d.position {
                    physical["region"] = .object(JSONObject([
                        "startLine": .number(String(position.line)),
                        "startColumn": .number(String(position.column)),
                    ]))
                }
                var location = JSONObject(["physicalLocation": .object(physical)])
                if !d.path.isEmpty {
                    location["logicalLocations"] = .array([.object(JSONObject([
                        "fullyQualifiedName": .string(d.path), "kind": .string("member"),
                    ]))])
                }
                result["locations"] = .array([.object(location)])
            }
            var properties = JSONObject()
            if !d.path.isEmpty { properties["jsonPath"] = .string(d.path) }
            if let node = d.node { properties["node"] = .string(node) }
            if let hint = d.hint { properties["hint"] = .string(hint) }
            if !properties.members.isEmpty { result["properties"] = .object(properties) }
            return .object(result)
        }
        let driver = JSONObject([
            "name": .string(toolName),
            "version": .string(toolVersion),
            "rules": .array(rules),
        ])
        let run = JSONObject([
            "tool": .object(["driver": .object(driver)]),
            "columnKind": .string("unicodeCodePoints"),
            "results": .array(results),
        ])
        return .object(JSONObject([
            "$schema": .string(schemaURI),
            "version": .string(version),
            "runs": .array([.object(run)]),
        ]))
    }

    /// `invalid-image` → `InvalidImage` (SARIF's rule names are identifiers).
    static func ruleName(_ code: Diagnostic.Code) -> String {
        code.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The level a code is reported at: every code is always one or the other.
    static func defaultLevel(_ code: Diagnostic.Code) -> String {
        switch code {
        case .unknownNodeType, .legacyNodeType, .unknownOperation, .unusedSharedFolder, .ignoredLink, .probeNotDeployed, .missingName:
            return "warning"
        default:
            return "error"
        }
    }

    /// A file path as a URI reference: relative paths stay relative (code scanning resolves
    /// them against the repository), absolute ones become `file://` URIs; characters outside
    /// a URI path are percent-encoded.
    public static func uri(forPath path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";?#[]%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
