import Simulation

/// A pipeline of functions: a run enters at the entry functions and, each time a function
/// finishes, continues to every function its output is linked to — as the AI4EU / Graphene
/// orchestrator forwards each node's output along the blueprint's links.
public struct PipelineSpec: Hashable, Sendable {
    public var name: String
    public var entries: [String]
    /// Function → the functions its output goes to (a name twice: two calls).
    public var links: [String: [String]]
    /// Most steps one run may take; cyclic pipelines (the sudoku samples) stop there.
    public var hopLimit: Int

    public init(name: String, entries: [String], links: [String: [String]], hopLimit: Int = 32) {
        self.name = name
        self.entries = entries
        self.links = links
        self.hopLimit = max(1, hopLimit)
    }
}

/// What a pipeline's runs did.
public struct PipelineSummary: Hashable, Sendable {
    public var name: String
    public var runs: Int
    public var completed: Int
    public var failed: Int
    /// Runs that reached the hop limit on a cycle (they complete; the cycle is cut).
    public var truncated: Int
    public var latency: Percentiles
    public var steps: Percentiles
}

struct PipelineState {
    var spec: PipelineSpec
    var entries: [Int]
    var links: [[Int]]
    var runs = 0
    var completed = 0
    var failed = 0
    var truncated = 0
    var latency: [Float] = []
    var steps: [Float] = []
}

struct RunState {
    var pipeline: Int32 = -1
    var start: Double = 0
    var outstanding: Int32 = 0
    var steps: Int32 = 0
    var failed = false
    var truncated = false
}

extension ClusterSimulator {
    mutating func setUpPipelines() throws {
        for spec in scenario.pipelines {
            guard pipelineIndex[spec.name] == nil, functionIndex[spec.name] == nil else {
                throw ClusterError("pipeline '\(spec.name)' has the name of another pipeline or function")
            }
            func index(_ name: String) throws -> Int {
                guard let f = functionIndex[name] else { throw ClusterError("pipeline '\(spec.name)' names unknown function '\(name)'") }
                return f
            }
            var links = Array(repeating: [Int](), count: faas.functions.count)
            for (from, targets) in spec.links {
                links[try index(from)] = try targets.map(index)
            }
            guard !spec.entries.isEmpty else { throw ClusterError("pipeline '\(spec.name)' has no entry function") }
            pipelineIndex[spec.name] = faas.pipelines.count
            faas.pipelines.append(PipelineState(spec: spec, entries: try spec.entries.map(index), links: links))
        }
    }

    /// A workload arrival for a pipeline: a new run, one request per entry function.
    mutating func startRun(pipeline p: Int) {
        let run: Int
        if let free = faas.freeRuns.popLast() {
            run = Int(free)
        } else {
            run = faas.runs.count
            faas.runs.append(RunState())
        }
        faas.runs[run] = RunState(pipeline: Int32(p), start: now.seconds, outstanding: Int32(faas.pipelines[p].entries.count))
        faas.pipelines[p].runs += 1
        for f in faas.pipelines[p].entries { newRequest(function: f, run: run, hop: 0) }
    }

    /// A step of a run finished: on success, the output goes to the linked functions.
    mutating func stepFinished(run: Int, hop: Int, function f: Int, succeeded: Bool) {
        let p = Int(faas.runs[run].pipeline)
        faas.runs[run].steps += 1
        if succeeded {
            let next = faas.pipelines[p].links[f]
            if hop + 1 < faas.pipelines[p].spec.hopLimit {
                faas.runs[run].outstanding += Int32(next.count)
                for target in next { newRequest(function: target, run: run, hop: hop + 1) }
            } else if !next.isEmpty {
                faas.runs[run].truncated = true
            }
        } else {
            faas.runs[run].failed = true
        }
        faas.runs[run].outstanding -= 1
        guard faas.runs[run].outstanding == 0 else { return }
        let state = faas.runs[run]
        if state.failed {
            faas.pipelines[p].failed += 1
        } else {
            faas.pipelines[p].completed += 1
            faas.pipelines[p].latency.append(Float(now.seconds - state.start))
            faas.pipelines[p].steps.append(Float(state.steps))
        }
        if state.truncated { faas.pipelines[p].truncated += 1 }
        faas.freeRuns.append(Int32(run))
    }

    /// Results per pipeline.
    public func pipelineSummaries() -> [PipelineSummary] {
        faas.pipelines.map { p in
            PipelineSummary(name: p.spec.name, runs: p.runs, completed: p.completed, failed: p.failed, truncated: p.truncated,
                            latency: Percentiles(floats: p.latency), steps: Percentiles(floats: p.steps))
        }
    }
}
