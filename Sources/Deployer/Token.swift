import Blueprint
import Crypto
import Foundation

/// The JWTs of the AI4EU / Acumos portal: compact JWS signed with HMAC (HS512 as the portal
/// signs them, HS256 also accepted) whose key is the base64-decoded `jwt.auth.secret.key`.
/// Every other algorithm, `none` included, is refused.
public struct TokenVerifier: Sendable {
    /// The HMAC key (the decoded secret).
    let key: SymmetricKey
    let keyBytes: Int
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    public var leeway: Double = 30

    /// The secret as the portal's configuration holds it: base64 text (whitespace around it is ignored).
    public init(secretBase64: String) throws(TokenSetupError) {
        let text = secretBase64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw TokenSetupError("the JWT secret file is empty; it must hold the base64 text of jwt.auth.secret.key") }
        guard let data = Data(base64Encoded: Self.padded(text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))) else {
            throw TokenSetupError("the JWT secret is not base64 text (the portal's jwt.auth.secret.key is base64: A–Z, a–z, 0–9, + and /)")
        }
        guard data.count >= 32 else {
            throw TokenSetupError("the JWT secret decodes to \(data.count) bytes; HS256 needs at least 32 and HS512 at least 64 (make one with: head -c 64 /dev/urandom | base64 -w0)")
        }
        key = SymmetricKey(data: data)
        keyBytes = data.count
    }

    /// The algorithms this secret may verify: HS512 only with a key of at least 64 bytes.
    public var algorithms: [TokenAlgorithm] { keyBytes >= 64 ? [.hs256, .hs512] : [.hs256] }

    /// Verifies `token` at `now`; the user is `mlpuser.email`, or `sub`.
    public func verify(_ token: String, now: Date = Date()) -> Result<TokenUser, TokenFailure> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.malformed("a JWT has three parts separated by dots")) }
        guard let headerData = Self.base64URL(parts[0]), let header = Self.jsonObject(headerData) else {
            return .failure(.malformed("the header is not base64url JSON"))
        }
        guard let alg = header["alg"]?.string else { return .failure(.malformed("the header has no alg")) }
        guard let algorithm = TokenAlgorithm(rawValue: alg) else {
            return .failure(.algorithm("alg \(alg) is not accepted; tokens must be signed with HS512 or HS256"))
        }
        guard algorithms.contains(algorithm) else {
            return .failure(.algorithm("this server accepts HS256 tokens only"))
        }
        guard let signature = Self.base64URL(parts[2]) else { return .failure(.malformed("the signature is not base64url")) }
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        let valid: Bool
        switch algorithm {
        case .hs256: valid = HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: key)
        case .hs512: valid = HMAC<SHA512>.isValidAuthenticationCode(signature, authenticating: signed, using: key)
        }
        guard valid else { return .failure(.signature) }
        guard let payloadData = Self.base64URL(parts[1]), let payload = Self.jsonObject(payloadData) else {
            return .failure(.malformed("the payload is not base64url JSON"))
        }
        let t = now.timeIntervalSince1970
        // The portal always sets exp; a token without one would never expire.
        guard let exp = payload["exp"] else { return .failure(.malformed("the token has no exp (expiry)")) }
        guard let e = Self.seconds(exp) else { return .failure(.malformed("exp is not a number of seconds")) }
        if t > e + leeway { return .failure(.expired(Date(timeIntervalSince1970: e))) }
        if let nbf = payload["nbf"] {
            guard let n = Self.seconds(nbf) else { return .failure(.malformed("nbf is not a number of seconds")) }
            if t + leeway < n { return .failure(.notYetValid(Date(timeIntervalSince1970: n))) }
        }
        let email = payload["mlpuser"]?["email"]?.string ?? payload["sub"]?.string
        guard let email, !email.isEmpty else { return .failure(.noUser) }
        return .success(TokenUser(email: email, expires: payload["exp"].flatMap(Self.seconds).map { Date(timeIntervalSince1970: $0) }))
    }

    /// The token of a request, looked for where the original deployer looks: the `jwtToken`
    /// header, then `Authorization` (raw or `Bearer …`), then the `jwtToken` query parameter.
    public static func token(headers: [String: String], query: [String: String]) -> String? {
        func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return (headers[name] ?? headers[lower] ?? headers.first { $0.key.lowercased() == lower }?.value).map(trimmed)
        }
        if let t = header("jwtToken"), !t.isEmpty { return t }
        if let raw = header("Authorization"), !raw.isEmpty {
            var t = Substring(raw)
            let scheme = t.prefix(7).lowercased()
            if scheme == "bearer" { t = "" } else if scheme == "bearer " { t = t.dropFirst(7) }
            let token = trimmed(String(t))
            if !token.isEmpty { return token }
        }
        if let t = query["jwtToken"], !t.isEmpty { return t }
        return nil
    }

    /// `s` without spaces and tabs around it (tokens are long: Foundation's trimming is slow on them).
    static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }), let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
        return String(s[first...last])
    }

    static func padded(_ s: String) -> String {
        let r = s.count % 4
        return r == 0 ? s : s + String(repeating: "=", count: 4 - r)
    }

    /// Unpadded base64url (RFC 7515 §2), decoded straight from the bytes; nil for any other character.
    static func base64URL(_ part: Substring) -> Data? {
        var out = Data()
        out.reserveCapacity(part.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in part.utf8 {
            let v: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "_"): v = 63
            default: return nil
            }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // A single leftover character (6 bits) cannot end a base64 text.
        return bits == 6 ? nil : out
    }

    static func jsonObject(_ data: Data) -> JSONObject? {
        guard data.count <= 64 << 10, let text = String(data: data, encoding: .utf8) else { return nil }
        return (try? JSONParser(recordsPositions: false).parse(text))?.root.object
    }

    static func seconds(_ v: JSONValue) -> Double? {
        guard case .number(let text) = v, let d = Double(text), d.isFinite else { return nil }
        return d
    }
}

/// HMAC algorithms a portal token may use.
public enum TokenAlgorithm: String, Sendable, CaseIterable {
    case hs256 = "HS256"
    case hs512 = "HS512"
}

/// Who a valid token names.
public struct TokenUser: Sendable, Equatable {
    public var email: String
    public var expires: Date?
}

/// Why a token was refused (each a 401; `reason` labels the metric).
public enum TokenFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case malformed(String)
    case algorithm(String)
    case signature
    case expired(Date)
    case notYetValid(Date)
    case noUser

    public var reason: String {
        switch self {
        case .missing: return "missing"
        case .malformed: return "malformed"
        case .algorithm: return "algorithm"
        case .signature: return "signature"
        case .expired: return "expired"
        case .notYetValid: return "not_yet_valid"
        case .noUser: return "no_user"
        }
    }

    public var description: String {
        switch self {
        case .missing: return "no token: send it in the jwtToken header, as Authorization: Bearer …, or as ?jwtToken="
        case .malformed(let why): return "the token is not a JWT: \(why)"
        case .algorithm(let why): return "the token's algorithm is refused: \(why)"
        case .signature: return "the token's signature does not match this server's secret"
        case .expired(let d): return "the token expired at \(TokenSigner.iso(d)); sign in again for a new one"
        case .notYetValid(let d): return "the token is not valid before \(TokenSigner.iso(d))"
        case .noUser: return "the token names no user (mlpuser.email or sub)"
        }
    }
}

/// A secret that cannot verify tokens: the server refuses to start with it.
public struct TokenSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Makes tokens as the portal does (`kubeprint token`, tests).
public struct TokenSigner: Sendable {
    let verifier: TokenVerifier

    public init(secretBase64: String) throws(TokenSetupError) {
        verifier = try TokenVerifier(secretBase64: secretBase64)
    }

    /// A token for `email`, valid from `issued` for `lifetime` seconds.
    public func sign(email: String, algorithm: TokenAlgorithm = .hs512, issued: Date = Date(), lifetime: Double = 3600,
                     notBefore: Date? = nil) throws(TokenSetupError) -> String
    {
        guard verifier.algorithms.contains(algorithm) else {
            throw TokenSetupError("\(algorithm.rawValue) needs a secret of at least 64 bytes; this one has \(verifier.keyBytes)")
        }
        let header: JSONValue = .object(["alg": .string(algorithm.rawValue), "typ": "JWT"])
        var payload: JSONObject = ["sub": .string(email), "mlpuser": .object(["email": .string(email)]),
                                   "iat": .number(String(Int(issued.timeIntervalSince1970))),
                                   "exp": .number(String(Int(issued.timeIntervalSince1970 + lifetime)))]
        if let notBefore { payload["nbf"] = .number(String(Int(notBefore.timeIntervalSince1970))) }
        return Self.sign(header: header, payload: .object(payload), algorithm: algorithm, key: verifier.key)
    }

    /// Signs any header and payload (tests forge tokens with it).
    public static func sign(header: JSONValue, payload: JSONValue, algorithm: TokenAlgorithm, key: SymmetricKey) -> String {
        let signingInput = base64URL(Data(JSONWriter(pretty: false).write(header).utf8)) + "." + base64URL(Data(JSONWriter(pretty: false).write(payload).utf8))
        let mac: Data
        switch algorithm {
        case .hs256: mac = Data(HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key))
        case .hs512: mac = Data(HMAC<SHA512>.authenticationCode(for: Data(signingInput.utf8), using: key))
        }
        return signingInput + "." + base64URL(mac)
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }
}
