import Blueprint
import Foundation

/// A request to the deployer's endpoints, free of any HTTP server's types.
public struct DeployerRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// Header names as sent (looked up without regard to case).
    public var headers: [String: String]
    public var body: [UInt8]
    /// The server's id of this request (in logs and in the `X-Request-Id` reply header).
    public var requestID: String

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
                requestID: String = "")
    {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// A browser asking for a page (HTML before JSON in `Accept`).
    var wantsHTML: Bool {
        guard let accept = header("Accept")?.lowercased() else { return false }
        guard let html = accept.range(of: "text/html") else { return false }
        if let json = accept.range(of: "application/json") { return html.lowerBound < json.lowerBound }
        return true
    }
}

/// A reply of the deployer.
public struct DeployerResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var headers: [String: String]
    public var body: [UInt8]
    /// What the server logs beside the request (an internal failure's details, never sent).
    public var logDetail: String?

    public init(status: Int, contentType: String = "application/json", headers: [String: String] = [:], body: [UInt8], logDetail: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.logDetail = logDetail
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> DeployerResponse {
        DeployerResponse(status: status, headers: headers, body: Array((JSONWriter(pretty: false).write(value) + "\n").utf8))
    }

    /// A body as JSON text (tests).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A refused request: `{"error": {"message": …, "status": …}}` with its HTTP status.
public struct DeployerError: Error, Sendable, Equatable {
    public var status: Int
    public var message: String
    /// Logged, never sent.
    public var detail: String?

    public init(_ status: Int, _ message: String, detail: String? = nil) {
        self.status = status
        self.message = message
        self.detail = detail
    }

    static func badRequest(_ m: String) -> DeployerError { DeployerError(400, m) }
    static func notFound(_ m: String) -> DeployerError { DeployerError(404, m) }
    static func conflict(_ m: String) -> DeployerError { DeployerError(409, m) }
    static func tooLarge(_ m: String) -> DeployerError { DeployerError(413, m) }

    /// A failure of the server itself: the client learns only that, and the request id to quote.
    static func internalError(_ detail: String, requestID: String) -> DeployerError {
        DeployerError(500, "the deployer failed to handle this request; quote request id \(requestID) to the operator", detail: detail)
    }

    var response: DeployerResponse {
        var r = DeployerResponse.json(status, .object(["error": .object(["message": .string(message), "status": .number(String(status))])]))
        r.logDetail = detail
        if status == 401 { r.headers["WWW-Authenticate"] = "Bearer realm=\"kubeprint\"" }
        return r
    }
}
