import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

/// Numbers and counts that once trapped or ran unbounded are refused with a positioned error
/// that names the field and the allowed range.
@Suite("Input limits")
struct InputLimitTests {
    static func problems(_ text: String) -> [ScenarioError.Problem] {
        ScenarioFileTests.problems(text)
    }

    /// A scenario with one field replaced; `{{}}` marks where.
    static func scenario(pool: String = "", image: String = "size: 100MB", deployment: String = "replicas: 1", extra: String = "") -> String {
        """
        nodePools:
          - name: n
            count: 2
        \(pool.isEmpty ? "" : "    " + pool)
        images:
          - name: app
            \(image)
        deployments:
          - name: web
            image: app
            \(deployment)
        \(extra)
        """
    }

    @Test("out-of-range and non-finite quantities are positioned errors with the range", arguments: [
        ("memory: 99999999999Ti", "nodePools[0].memory", "at most 1PiB"),
        ("memory: 1e400", "nodePools[0].memory", "at most 1PiB"),
        ("cpu: .inf", "nodePools[0].cpu", "at most 1000000 cores"),
        ("cpu: .nan", "nodePools[0].cpu", "at most 1000000 cores"),
        ("cpu: 1e12", "nodePools[0].cpu", "at most 1000000 cores"),
        ("gpus: 3000000000", "nodePools[0].gpus", "from 0 to 10000"),
        ("bandwidth: .inf", "nodePools[0].bandwidth", "from 1kbps to 100Tbps"),
        ("bandwidth: 1bps", "nodePools[0].bandwidth", "from 1kbps to 100Tbps"),
        ("joinAt: 1e300", "nodePools[0].joinAt", "at most 400 days"),
        ("idleWatts: .inf", "nodePools[0].idleWatts", "from 0 to 1000000"),
        ("maxPods: 99999999999", "nodePools[0].maxPods", "from 0 to 1000000"),
    ])
    func poolQuantities(field: String, path: String, range: String) {
        let found = Self.problems(Self.scenario(pool: field))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == path)
        #expect(found.first?.message.contains(range) == true, "\(found.first?.message ?? "")")
        #expect(found.first?.mark?.line == 4)
    }

    @Test("image sizes and requests are bounded too")
    func imageAndRequests() {
        let image = Self.problems(Self.scenario(image: "size: 2EB"))
        #expect(image.map(\.path) == ["images[0].size"])
        let requests = Self.problems(Self.scenario(deployment: "requests: {cpu: .inf, memory: 1e30, gpu: 99999999999}"))
        #expect(Set(requests.map(\.path)) == ["deployments[0].requests.cpu", "deployments[0].requests.memory", "deployments[0].requests.gpu"])
    }

    @Test("counts that would create too many objects are refused before anything is built")
    func counts() {
        let nodes = Self.problems("nodePools: [{name: n, count: 100000000}]\nimages: [{name: a, size: 1MB}]\n")
        #expect(nodes.first?.path == "nodePools[0].count")
        #expect(nodes.first?.message.contains("from 0 to 100000") == true)
        let manyPools = Self.problems("nodePools: [{name: a, count: 60000}, {name: b, count: 60000}]\nimages: [{name: a, size: 1MB}]\n")
        #expect(manyPools.first?.message.contains("more than 100000 nodes") == true)
        let replicas = Self.problems(Self.scenario(deployment: "replicas: 100000000"))
        #expect(replicas.first?.path == "deployments[0].replicas")
        let many = (0..<11).map { "  - {name: d\($0), image: app, replicas: 100000}" }.joined(separator: "\n")
        let pods = Self.problems("nodePools: [{name: n}]\nimages: [{name: app, size: 1MB}]\ndeployments:\n" + many + "\n")
        #expect(pods.map(\.path) == ["deployments[10].replicas"])
        #expect(pods.contains { $0.message.contains("more than 1000000 pods") })
    }

    static let function = """
        nodePools: [{name: n, count: 2}]
        images: [{name: app, size: 10MB}]
        functions: [{name: f, image: app}]
        """

    @Test("workloads that would send too many requests are refused with the estimate")
    func requests() {
        let rate = Self.problems(Self.function + "\nworkloads: [{function: f, rate: 5000000, duration: 400d}]\n")
        #expect(rate.first?.path == "workloads[0]")
        #expect(rate.first?.message.contains("at most 100000000") == true)
        let infinite = Self.problems(Self.function + "\nworkloads: [{function: f, rate: .inf, duration: 1s}]\n")
        #expect(infinite.first?.path == "workloads[0].rate")
        let count = Self.problems(Self.function + "\nworkloads: [{function: f, rate: 1, requests: 1000000000000}]\n")
        #expect(count.first?.path == "workloads[0].requests")
        // The bound counts the count, not rate × duration, when the count ends the workload first.
        #expect(Self.problems(Self.function + "\nworkloads: [{function: f, rate: 1000000, duration: 400d, requests: 10}]\n").isEmpty)
    }

    @Test("scaler settings, distributions, billing and monitoring are finite and bounded")
    func scalerSettings() {
        let cases: [(String, String)] = [
            ("functions: [{name: f, image: app, scaling: {scaler: hpa, target: 1e-300}}]", "functions[0].scaling.target"),
            ("functions: [{name: f, image: app, scaling: {scaler: kpa, tick: 1us}}]", "functions[0].scaling.tick"),
            ("functions: [{name: f, image: app, scaling: {scaler: kpa, tick: 1ms}}]", "functions[0].scaling.tick"),
            ("functions: [{name: f, image: app, scaling: {scaler: hpa, min: 1, syncPeriod: 1ms, stabilizationWindow: 1h}}]", "functions[0].scaling.syncPeriod"),
            ("functions: [{name: f, image: app, scaling: {max: 100000000}}]", "functions[0].scaling.max"),
            ("functions: [{name: f, image: app, executionTime: {distribution: lognormal, median: 1s, sigma: 1e9}}]", "functions[0].executionTime.sigma"),
            ("functions: [{name: f, image: app, gpuPerInvocation: .inf}]", "functions[0].gpuPerInvocation"),
            ("functions: [{name: f, image: app, watchdog: {workers: 100000000000}}]", "functions[0].watchdog.workers"),
            ("functions: [{name: f, image: app}]\nmonitor: {interval: 1us}", "monitor.interval"),
            ("functions: [{name: f, image: app}]\nbilling: {model: lambda, perRequest: .inf}", "billing.perRequest"),
        ]
        for (functions, path) in cases {
            let text = "nodePools: [{name: n, count: 1}]\nimages: [{name: app, size: 10MB}]\n" + functions + "\n"
            let found = Self.problems(text)
            #expect(found.map(\.path).contains(path), "\(path): \(found)")
        }
    }

    @Test("the largest accepted capacities add up without overflow")
    func saturatingResources() {
        let big = Resources(cpuMillis: .max - 1, memoryBytes: .max, gpus: .max, tpus: 1, diskBytes: .min + 1)
        let sum = big + big
        #expect(sum.cpuMillis == .max && sum.memoryBytes == .max && sum.gpus == .max && sum.tpus == 2)
        #expect((big + big).diskBytes == .min)
        #expect((Resources(cpuMillis: .min) - Resources(cpuMillis: 1)).cpuMillis == .min)
        #expect((Resources(cpuMillis: 5) - Resources(cpuMillis: 7)).cpuMillis == -2)
    }

    @Test("a scenario at the limits builds and runs without trapping")
    func runsAtTheLimits() throws {
        let text = """
            until: 1h
            nodePools:
              - {name: huge, count: 3, cpu: 1000000, memory: 1PiB, disk: 1PiB, gpus: 10000, bandwidth: 100Tbps, maxPods: 1000000, maxWatts: 1000000}
              - {name: slow, count: 1, bandwidth: 1kbps, joinAt: 400d}
            images: [{name: big, size: 1PiB}, {name: small, size: 1B}]
            deployments:
              - {name: a, image: big, replicas: 3, requests: {cpu: 1000000, memory: 1PiB, gpu: 10000}}
              - {name: b, image: small, replicas: 5, startup: 400d}
            """
        let file = try ScenarioFile.parse(text, file: "limits.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run(until: file.until ?? .infinity)
        let summary = sim.summary()
        #expect(summary.pods == 8)
    }

    @Test("totals no single field shows are bounded: copies, replicas, node tables, periodic work")
    func totals() {
        let base = "nodePools: [{name: n, count: 2}]\nimages: [{name: app, size: 10MB}]\n"
        // A catalogue entry counts its 100 devices against the node limit.
        let catalogues = "nodePools: [{name: big, count: 99950}, {catalogue: raith21}]\nimages: [{name: app, size: 1MB}]\n"
        #expect(Self.problems(catalogues).first?.path == "nodePools[1].catalogue")
        // count: is bounded across the list, not only per entry.
        let copies = "nodePools: [{name: n}]\nimages:\n" + (0..<3).map { "  - {name: 'i\($0)-{i}', size: 1MB, count: 40000}" }.joined(separator: "\n") + "\n"
        #expect(Self.problems(copies).first?.path == "images[2].count")
        // Function replicas count toward the pod limit.
        let replicas = base + "functions: [{name: 'f{i}', image: app, count: 20, scaling: {min: 1, max: 100000}}]\n"
        #expect(Self.problems(replicas).first?.message.contains("pods; at most 1000000") == true)
        // Nodes × images is the size of the simulator's per-node tables.
        let table = "nodePools: [{name: n, count: 100000}]\nimages: [{name: 'i{i}', size: 1MB, count: 1000}]\n"
        #expect(Self.problems(table).first?.path == "nodePools")
        // Periodic work over a long time limit.
        let periodic = base + "until: 400d\nmonitor: {interval: 1ms}\nfunctions: [{name: f, image: app}]\n"
        #expect(Self.problems(periodic).first?.path == "until")
        // The request-rate scaler's step is a replica count.
        let step = base + "functions: [{name: f, image: app, scaling: {scaler: request-rate, step: 9223372036854775807}}]\n"
        #expect(Self.problems(step).first?.path == "functions[0].scaling.step")
        // Serialised pulls accept maxParallelImagePulls 1, as the kubelet's validation does.
        #expect(Self.problems(base + "kubelet: {maxParallelImagePulls: 1}\n").isEmpty)
        #expect(Self.problems(base + "kubelet: {maxParallelImagePulls: 2}\n").first?.path == "kubelet.maxParallelImagePulls")
        #expect(Self.problems(base + "kubelet: {imageGC: {period: 1us}}\n").first?.path == "kubelet.imageGC.period")
    }
}
