import ArgumentParser
@testable import KubeprintCommands
import Testing

/// `bench faas` parsed without ArgumentParser must mean what ArgumentParser would make of it.
@Suite("bench faas fast path")
struct BenchFaaSFastPathTests {
    @Test("the command lines it takes parse as ArgumentParser parses them")
    func sameAsArgumentParser() throws {
        let accepted: [[String]] = [
            [], ["--requests", "100000"], ["--requests=2000,3000"], ["--seed", "7", "--requests", "5"],
            ["--compatibility", "kubernetes"], ["--compatibility=faas-sim", "--seed=0"], ["--requests", " 10, 20"],
        ]
        for arguments in accepted {
            let fast = try #require(FaaSBenchPlan.parse(arguments), "\(arguments)")
            #expect(fast == (try BenchFaaS.parse(arguments)).plan, "\(arguments)")
        }
    }

    @Test("anything else is left to ArgumentParser: help, unknown, repeated, missing or invalid values")
    func leftToArgumentParser() {
        let refused: [[String]] = [
            ["--help"], ["-h"], ["--nodes", "3"], ["--requests"], ["--requests", "0"], ["--requests", "1,x"],
            ["--seed", "-1"], ["--seed", "1", "--seed", "2"], ["--compatibility", "k8s"], ["extra"], ["--requests", "5", "--help"],
        ]
        for arguments in refused {
            #expect(FaaSBenchPlan.parse(arguments) == nil, "\(arguments)")
        }
    }

    @Test("it is taken only for `bench faas`, named as the command tree names them")
    func onlyBenchFaaS() {
        #expect(Bench.configuration.commandName == "bench")
        #expect(BenchFaaS.configuration.commandName == "faas")
        #expect(Kubeprint.benchFaaSFastPath(["bench", "faas", "--requests", "9"]) == FaaSBenchPlan(requests: "9"))
        #expect(Kubeprint.benchFaaSFastPath(["bench", "engine"]) == nil)
        #expect(Kubeprint.benchFaaSFastPath(["faas"]) == nil)
        #expect(Kubeprint.benchFaaSFastPath(["simulate", "bench", "faas"]) == nil)
    }
}
