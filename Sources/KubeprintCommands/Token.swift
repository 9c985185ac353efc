import ArgumentParser
import Deployer
import Foundation

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make a portal JWT for the deployer endpoints of `kubeprint serve --jwt-secret-file`.",
        discussion: """
            Signs a token as the AI4EU / Acumos portal does: HS512 (or HS256) over the base64-decoded \
            secret, with the user in mlpuser.email and sub, and an expiry. Prints the token.

            Examples:
              head -c 64 /dev/urandom | base64 -w0 > secret.txt
              kubeprint token --secret-file secret.txt --email ada@example.org
              curl -H "Authorization: Bearer $(kubeprint token --secret-file secret.txt --email ada@example.org)" \\
                   http://127.0.0.1:8080/deployments
            """)

    @Option(help: ArgumentHelp("File holding the base64 secret (the server's --jwt-secret-file).", valueName: "file"))
    var secretFile: String

    @Option(help: ArgumentHelp("The user the token names.", valueName: "address"))
    var email: String

    @Option(help: ArgumentHelp("HS512 (as the portal signs) or HS256.", valueName: "alg"))
    var algorithm = "HS512"

    @Option(help: ArgumentHelp("How long the token is valid, in seconds.", valueName: "seconds"))
    var lifetime: Int = 3600

    init() {}

    func validate() throws {
        guard TokenAlgorithm(rawValue: algorithm.uppercased()) != nil else { throw ValidationError("--algorithm must be HS512 or HS256, not '\(algorithm)'") }
        guard lifetime > 0, lifetime <= 366 * 86_400 else { throw ValidationError("--lifetime must be 1 to \(366 * 86_400) seconds, not \(lifetime)") }
        guard !email.isEmpty else { throw ValidationError("--email must name the user") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: secretFile), let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("cannot read the secret file '\(secretFile)'", hint: "give a file holding base64 text, e.g. head -c 64 /dev/urandom | base64 -w0 > secret.txt")
        }
        do {
            let signer = try TokenSigner(secretBase64: text)
            print(try signer.sign(email: email, algorithm: TokenAlgorithm(rawValue: algorithm.uppercased()) ?? .hs512, lifetime: Double(lifetime)))
        } catch {
            throw CommandFailure("--secret-file '\(secretFile)': \(error.message)")
        }
    }
}
