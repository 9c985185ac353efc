import YAML

/// The OpenAPI 3.0 document of the deployer's endpoints, built as a typed tree and emitted by
/// libyaml (`docs/deployer-openapi.yaml` is this document; a test keeps the two and the router equal).
public enum DeployerOpenAPI {
    /// One endpoint.
    public struct Route: Sendable {
        public var method: String
        /// `/deployments/{id}`.
        public var path: String
        public var summary: String
        /// Status codes and what each means.
        public var responses: [(String, String)]
        /// Request body media types, if any.
        public var body: [String] = []
        public var secured = true
    }

    static let tokenErrors: [(String, String)] = [("401", "no token, or a token that is malformed, expired, not yet valid, badly signed or of a refused algorithm")]

    /// Every endpoint the router serves.
    public static let routes: [Route] = [
        Route(method: "put", path: "/solutions/{solutionId}/revisions/{revisionId}",
              summary: "Upload a revision: blueprint.json (a pipeline) or solution.zip (its blueprint and protos, or a single model)",
              responses: [("201", "stored"), ("400", "not a valid blueprint or solution.zip (every problem listed)")] + tokenErrors
                  + [("409", "the revision exists already"), ("413", "larger than the limits"), ("415", "neither JSON nor a zip")],
              body: ["application/json", "application/zip"]),
        Route(method: "get", path: "/deploy/{solutionId}/{revisionId}",
              summary: "Build the stored revision's solution and deploy it into a new namespace of the caller's",
              responses: [("201", "deployed: id, namespace, status"), ("303", "the same, to a client asking for HTML: the dashboard")] + tokenErrors
                  + [("404", "unknown solution or revision"), ("409", "the caller is deploying this revision already")]),
        Route(method: "get", path: "/getSolutionZip/{solutionId}/{revisionId}", summary: "The revision's solution.zip as an attachment",
              responses: [("200", "solution.zip")] + tokenErrors + [("404", "unknown solution or revision")]),
        Route(method: "post", path: "/deploy_solution", summary: "Deploy a solution.zip sent as {\"solution\": base64, \"username\": …}",
              responses: [("201", "deployed"), ("400", "malformed body or solution.zip")] + tokenErrors
                  + [("403", "username is not the token's user"), ("413", "larger than the limits")],
              body: ["application/json"]),
        Route(method: "get", path: "/deployments", summary: "The caller's deployments", responses: [("200", "items")] + tokenErrors),
        Route(method: "get", path: "/deployments/{id}", summary: "A deployment: status, timeline, pods, last run results",
              responses: [("200", "the deployment")] + tokenErrors + [("403", "another user's"), ("404", "unknown id")]),
        Route(method: "delete", path: "/deployments/{id}", summary: "Delete a deployment: its namespace goes",
              responses: [("200", "deleted")] + tokenErrors + [("403", "another user's"), ("404", "unknown id"), ("409", "deleted already")]),
        Route(method: "post", path: "/deployments/{id}/runs", summary: "Run the pipeline: {\"runs\": 100, \"rate\": 2, \"execTime\": \"0.1s\"}",
              responses: [("200", "the runs' summary")] + tokenErrors
                  + [("403", "another user's"), ("404", "unknown id"), ("409", "not deployed")], body: ["application/json"]),
        Route(method: "get", path: "/deployer/openapi.yaml", summary: "This document", responses: [("200", "OpenAPI 3.0")], secured: false),
    ]

    static var tree: YAMLNode {
        var paths = YAMLMapping()
        for route in routes {
            var operation: YAMLMapping = ["summary": .string(route.summary)]
            let parameters = route.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { p -> YAMLNode in
                ["name": .string(String(p.dropFirst().dropLast())), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { operation["parameters"] = .sequence(parameters) }
            if !route.body.isEmpty {
                var content = YAMLMapping()
                for type in route.body {
                    content[type] = type == "application/zip" ? ["schema": ["type": "string", "format": "binary"]] : ["schema": ["type": "object"]]
                }
                operation["requestBody"] = ["required": true, "content": .mapping(content)]
            }
            var responses = YAMLMapping()
            for (code, text) in route.responses {
                var r: YAMLMapping = ["description": .string(text)]
                if Int(code) ?? 0 >= 400 {
                    r["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
                }
                responses[code] = .mapping(r)
            }
            operation["responses"] = .mapping(responses)
            if !route.secured { operation["security"] = .sequence([]) }
            var item = paths[route.path]?.mapping ?? YAMLMapping()
            item[route.method] = .mapping(operation)
            paths[route.path] = .mapping(item)
        }
        let errorSchema: YAMLNode = [
            "type": "object", "required": ["error"],
            "properties": ["error": ["type": "object", "required": ["message"],
                                     "properties": ["message": ["type": "string"], "status": ["type": "integer"]]]],
        ]
        let schemes: YAMLNode = [
            "jwtHeader": ["type": "apiKey", "in": "header", "name": "jwtToken"],
            "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
            "jwtQuery": ["type": "apiKey", "in": "query", "name": "jwtToken"],
        ]
        return [
            "openapi": "3.0.3",
            "info": ["title": "kubeprint deployer", "version": "1",
                     "description": .string("AI4EU-compatible deployment endpoints of `kubeprint serve --jwt-secret-file FILE`. Tokens are the portal's JWTs (HS512 or HS256, secret = base64-decoded jwt.auth.secret.key); the user is mlpuser.email or sub.")],
            "security": [["jwtHeader": []], ["bearer": []], ["jwtQuery": []]],
            "paths": .mapping(paths),
            "components": ["securitySchemes": schemes, "schemas": ["Error": errorSchema]],
        ]
    }

    /// The document as YAML.
    public static let document: String = (try? YAMLEmitter().emit(tree)) ?? "openapi: 3.0.3\n"
}
