import ArgumentParser

/// The `kubeprint` command tree. A library so tests can parse and run commands in-process.
public struct Kubeprint: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kubeprint",
        abstract: "Turn AI4EU / Graphene pipeline blueprints into Kubernetes deployments.",
        discussion: """
            kubeprint reads blueprint.json files (Design Studio and pipeline-topology/v2 formats), \
            validates them, and writes Kubernetes manifests and an AI4EU-compatible solution.zip \
            that deploys with plain kubectl.

            Quick start:
              kubeprint validate blueprint.json
              kubeprint convert blueprint.json --output out/
              kubeprint convert blueprint.json --output - | kubectl apply -f -

            In CI:
              kubeprint validate --format github blueprint.json
              kubeprint convert blueprint.json --output deploy/ --check
              kubeprint diff deploy/ blueprint.json
            """,
        version: "0.1.0",
        subcommands: [Convert.self, Validate.self, Diff.self, Templates.self, Deploy.self, Serve.self, Token.self, Run.self, Simulate.self, Bench.self])

    public init() {}
}
