import Blueprint
import Crypto
@testable import Deployer
import Blueprint
import Foundation
import Testing

/// Secrets as the portal's configuration holds them: base64 text.
enum Secrets {
    static let long = Data((0..<64).map { UInt8($0 * 7 % 251) }).base64EncodedString()
    static let other = Data((0..<64).map { UInt8($0 * 11 % 251 + 1) }).base64EncodedString()
    static let short32 = Data((0..<32).map { UInt8($0 + 1) }).base64EncodedString()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
}

@Suite("portal JWTs")
struct TokenTests {
    let verifier: TokenVerifier
    let signer: TokenSigner

    init() throws {
        verifier = try TokenVerifier(secretBase64: Secrets.long)
        signer = try TokenSigner(secretBase64: Secrets.long)
    }

    func user(_ token: String, at date: Date = Secrets.now) -> Result<TokenUser, TokenFailure> { verifier.verify(token, now: date) }

    func reason(_ r: Result<TokenUser, TokenFailure>) -> String? {
        if case .failure(let f) = r { return f.reason }
        return nil
    }

    @Test("HS512 and HS256 tokens signed with the secret name their user")
    func valid() throws {
        for alg in TokenAlgorithm.allCases {
            let token = try signer.sign(email: "ada@example.org", algorithm: alg, issued: Secrets.now)
            #expect(try user(token).get().email == "ada@example.org")
        }
    }

    @Test("a token signed by the portal's own library verifies: HS512 over the decoded secret, mlpuser.email")
    func portalShape() {
        // Header and payload as jjwt 0.9.1 writes them for the portal (claims sub, mlpuser, created, exp in seconds).
        let key = SymmetricKey(data: Data(base64Encoded: Secrets.long) ?? Data())
        let token = TokenSigner.sign(header: .object(["alg": "HS512"]),
                                     payload: .object(["sub": "ada", "mlpuser": .object(["email": "ada@example.org", "loginName": "ada"]),
                                                       "created": .number("1799999000000"), "exp": .number("1800003600")]),
                                     algorithm: .hs512, key: key)
        #expect((try? user(token).get().email) == "ada@example.org")
    }

    @Test("expired, not yet valid (beyond the leeway), and inside the leeway")
    func times() throws {
        let expired = try signer.sign(email: "a@b.c", issued: Secrets.now.addingTimeInterval(-7200), lifetime: 3600)
        guard case .failure(.expired) = user(expired) else { Issue.record("expired token accepted"); return }
        let early = try signer.sign(email: "a@b.c", issued: Secrets.now, notBefore: Secrets.now.addingTimeInterval(600))
        guard case .failure(.notYetValid) = user(early) else { Issue.record("nbf ignored"); return }
        let justExpired = try signer.sign(email: "a@b.c", issued: Secrets.now.addingTimeInterval(-3610), lifetime: 3600)
        #expect((try? user(justExpired).get()) != nil, "10 s past exp is within the 30 s leeway")
    }

    @Test("a wrong secret, a tampered payload and a cut signature are refused")
    func forged() throws {
        let other = try TokenSigner(secretBase64: Secrets.other).sign(email: "a@b.c", issued: Secrets.now)
        #expect(user(other) == .failure(.signature))
        let token = try signer.sign(email: "a@b.c", issued: Secrets.now)
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = TokenSigner.base64URL(Data(#"{"sub":"mallory@x.y","mlpuser":{"email":"mallory@x.y"},"exp":1900000000}"#.utf8))
        #expect(user(parts.joined(separator: ".")) == .failure(.signature))
        #expect(user(String(token.dropLast(4))) != .success(TokenUser(email: "a@b.c", expires: nil)))
        guard case .failure = user(String(token.dropLast(4))) else { Issue.record("cut signature accepted"); return }
    }

    @Test("alg none, RS256 and a missing alg are refused whatever the signature")
    func algorithms() {
        let payload = TokenSigner.base64URL(Data(#"{"sub":"a@b.c","exp":1900000000}"#.utf8))
        for header in [#"{"alg":"none"}"#, #"{"alg":"RS256"}"#, #"{"alg":"HS384"}"#, #"{"typ":"JWT"}"#] {
            let token = TokenSigner.base64URL(Data(header.utf8)) + "." + payload + "."
            guard case .failure(let f) = user(token) else { Issue.record("\(header) accepted"); continue }
            #expect(f.reason == (header.contains("alg") ? "algorithm" : "malformed"), "\(header): \(f)")
        }
    }

    @Test("garbage, two parts and a token without a user are refused with their reason")
    func malformed() throws {
        #expect(reason(user("not-a-token")) == "malformed")
        #expect(reason(user("a.b")) == "malformed")
        let key = SymmetricKey(data: Data(base64Encoded: Secrets.long) ?? Data())
        let anonymous = TokenSigner.sign(header: .object(["alg": "HS512"]), payload: .object(["exp": .number("1900000000")]), algorithm: .hs512, key: key)
        #expect(user(anonymous) == .failure(.noUser))
        let forever = TokenSigner.sign(header: .object(["alg": "HS512"]), payload: .object(["sub": "a@b.c"]), algorithm: .hs512, key: key)
        #expect(reason(user(forever)) == "malformed", "a token without exp would never expire")
    }

    @Test("the token is found in the jwtToken header, Authorization (raw or Bearer), then the query")
    func places() {
        #expect(TokenVerifier.token(headers: ["jwttoken": "A"], query: ["jwtToken": "C"]) == "A")
        #expect(TokenVerifier.token(headers: ["Authorization": "Bearer B"], query: [:]) == "B")
        #expect(TokenVerifier.token(headers: ["authorization": "B2"], query: [:]) == "B2")
        #expect(TokenVerifier.token(headers: ["jwtToken": "A", "Authorization": "Bearer B"], query: [:]) == "A")
        #expect(TokenVerifier.token(headers: [:], query: ["jwtToken": "C"]) == "C")
        #expect(TokenVerifier.token(headers: ["Authorization": "Bearer "], query: [:]) == nil)
        #expect(TokenVerifier.token(headers: [:], query: [:]) == nil)
    }

    @Test("secrets too short for HMAC are refused at start-up; a 32-byte one verifies HS256 only")
    func secrets() throws {
        #expect(throws: TokenSetupError.self) { try TokenVerifier(secretBase64: Data(repeating: 1, count: 16).base64EncodedString()) }
        #expect(throws: TokenSetupError.self) { try TokenVerifier(secretBase64: "not base64 at all!") }
        #expect(throws: TokenSetupError.self) { try TokenVerifier(secretBase64: "  \n") }
        let short = try TokenVerifier(secretBase64: Secrets.short32)
        #expect(short.algorithms == [.hs256])
        let signer = try TokenSigner(secretBase64: Secrets.short32)
        #expect(throws: TokenSetupError.self) { try signer.sign(email: "a@b.c", algorithm: .hs512) }
        let key = SymmetricKey(data: Data(base64Encoded: Secrets.short32) ?? Data())
        let hs512 = TokenSigner.sign(header: .object(["alg": "HS512"]), payload: .object(["sub": "a@b.c"]), algorithm: .hs512, key: key)
        guard case .failure(.algorithm) = short.verify(hs512, now: Secrets.now) else { Issue.record("HS512 with a 32-byte secret accepted"); return }
    }
}

@Suite("deployment namespaces")
struct NamespaceNameTests {
    @Test("<solution>-<revision> as a DNS label with room for a suffix, whatever the ids")
    func names() {
        #expect(DeployerService.namespaceBase(solution: "news", revision: "1") == "news-1")
        let uuid = DeployerService.namespaceBase(solution: "3F2A9C1E-7B4D-4E2F-9A1B-0C2D3E4F5A6B", revision: "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e")
        #expect(uuid.hasPrefix("s-3f2a9c1e") && uuid.count <= 57 && KubernetesName.isValid(uuid), "\(uuid)")
        #expect(DeployerService.namespaceBase(solution: "My Solution!", revision: "v_2") == "my-solution-v-2")
        #expect(DeployerService.namespaceBase(solution: "---", revision: "") == "s-solution")
    }
}
