@testable import KubeprintCommands
import Testing

@Suite("run's kubeconfig")
struct RunKubeconfigTests {
    @Test("the server is the current context's cluster's, as kubectl's, else the first cluster's")
    func currentContext() {
        let config = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: "https://prod.example:6443"}
            - name: playground
              cluster: {server: "http://127.0.0.1:8080"}
            contexts:
            - name: prod
              context: {cluster: prod}
            - name: play
              context: {cluster: playground}
            current-context: play
            """
        #expect(Run.server(ofKubeconfig: config) == "http://127.0.0.1:8080")
        #expect(Run.server(ofKubeconfig: config.replacingOccurrences(of: "current-context: play", with: "")) == "https://prod.example:6443")
        #expect(Run.server(ofKubeconfig: "clusters: []") == nil)
        #expect(Run.server(ofKubeconfig: "{") == nil)
    }

    @Test("the path: --kubeconfig, the folder's playground.kubeconfig, $KUBECONFIG's first existing file")
    func path() {
        let present: Set<String> = ["/b", "/c"]
        func pick(_ option: String?, _ variable: String?, folder: Bool = false) -> String {
            let exists: (String) -> Bool = { present.contains($0) || (folder && $0 == "playground.kubeconfig") }
            let environment = variable.map { ["KUBECONFIG": $0] } ?? [:]
            return Run.kubeconfigPath(option: option, environment: environment, exists: exists).path
        }
        #expect(pick("/given", "/b") == "/given")
        #expect(pick(nil, "/b", folder: true) == "playground.kubeconfig")
        #expect(pick(nil, ":/a::/c:/b") == "/c")
        #expect(pick(nil, "/a") == "playground.kubeconfig")
        #expect(pick(nil, nil) == "playground.kubeconfig")
    }
}
