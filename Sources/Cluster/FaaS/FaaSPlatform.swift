#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Simulation

/// The FaaS platform on top of the cluster: function replicas are pods, requests are routed
/// to ready replicas, scalers add and remove replicas, and usage is accounted.
extension ClusterSimulator {
    // MARK: Set-up

    mutating func setUpFunctions(imageIndex: [String: Int]) throws {
        workloadRandom = RandomSource(seed: scenario.seed &+ 0x5EED)
        executionRandom = RandomSource(seed: scenario.seed &+ 0xE7EC)
        for (n, node) in nodeTable.nodes.enumerated() {
            if deviceTypeIndex[node.spec.deviceType] == nil { deviceTypeIndex[node.spec.deviceType] = deviceTypeIndex.count }
            nodeDeviceType.append(deviceTypeIndex[node.spec.deviceType] ?? 0)
            _ = n
        }
        for spec in scenario.functions {
            guard functionIndex[spec.name] == nil else { throw ClusterError("function '\(spec.name)' is declared twice") }
            guard !spec.images.isEmpty else { throw ClusterError("function '\(spec.name)' has no image") }
            guard spec.maxReplicas >= spec.minReplicas, spec.minReplicas >= 0 else {
                throw ClusterError("function '\(spec.name)': max replicas \(spec.maxReplicas) is below min \(spec.minReplicas)")
            }
            var images: [Int] = []
            for image in spec.images {
                guard let i = imageIndex[image.image] else {
                    throw ClusterError("function '\(spec.name)' uses unknown image '\(image.image)'", hint: "declare the image under images")
                }
                images.append(i)
            }
            functionIndex[spec.name] = faas.functions.count
            var f = FaaSState.Function(spec: spec, images: images)
            f.hasCustomSimulator = scenario.functionSimulators[spec.name] != nil
            f.interval = spec.scaler.interval
            switch spec.scaler {
            case .fixed:
                break
            case .requestRate(let threshold, let step, _):
                f.requestRate = RequestRateScaler(threshold: threshold, step: step, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas)
            case .averageRequests(let target, _):
                f.average = AverageRequestsScaler(target: target, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas,
                                                  faasSim: scenario.compatibility == .faasSim)
            case .hpa(let metric, let target, _, let window):
                guard spec.minReplicas >= 1 else {
                    throw ClusterError("function '\(spec.name)': the hpa scaler needs min replicas ≥ 1 (Kubernetes validates minReplicas ≥ 1)",
                                       hint: "set min to 1, or use the kpa scaler to scale to zero")
                }
                f.hpa = HorizontalPodAutoscaler(metric: metric, target: target, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas,
                                                stabilizationWindow: window)
            case .kpa(let c, let u, let stable, let panicPct, let threshold, let grace, _):
                f.kpa = KnativeAutoscaler(targetConcurrency: c, utilization: u, stableWindow: stable, panicWindowPercent: panicPct,
                                          panicThreshold: threshold, scaleToZeroGrace: grace, minReplicas: spec.minReplicas,
                                          maxReplicas: spec.maxReplicas)
            }
            faas.functions.append(f)
            ownerNames.append(spec.name)
            ownerCounts.append(Array(repeating: 0, count: nodeTable.nodes.count))
        }
        for name in scenario.functionSimulators.keys.sorted() where functionIndex[name] == nil {
            throw ClusterError("a function simulator is given for unknown function '\(name)'")
        }
        try setUpPipelines()
        for (i, w) in scenario.workloads.enumerated() {
            if let p = pipelineIndex[w.function] {
                faas.workloads.append(FaaSState.Workload(spec: w, function: -1, pipeline: p))
            } else if let f = functionIndex[w.function] {
                faas.workloads.append(FaaSState.Workload(spec: w, function: f))
            } else {
                throw ClusterError("a workload names unknown function '\(w.function)'", hint: "declare it under functions (or pipelines)")
            }
            if scenario.compatibility == .faasSim {
                // faas-sim starts the load once every function has a running replica.
                faas.outstandingWorkloads += 1
                faas.heldWorkloads.append(i)
            } else if let first = nextArrival(workload: i, after: w.start, first: true) {
                faas.outstandingWorkloads += 1
                queue.schedule(.arrival(workload: i), at: .seconds(first))
            }
        }
        reserveSamples()
        for (i, command) in scenario.scaleCommands.enumerated() {
            guard functionIndex[command.function] != nil else { throw ClusterError("a scale command names unknown function '\(command.function)'") }
            queue.schedule(.scaleCommand(i), at: .seconds(command.at))
        }
        for f in faas.functions.indices {
            scale(f, to: faas.functions[f].spec.minReplicas, reason: "deploy (min replicas)", inputs: nil)
            if faas.functions[f].interval > 0 {
                queue.schedule(.scalerTick(function: f), at: .seconds(faas.functions[f].interval))
            }
        }
        // Functions that start with no replica (min 0) are not waited for: with none to wait
        // for, the load starts at once.
        if !faas.heldWorkloads.isEmpty, faas.functions.allSatisfy({ $0.spec.minReplicas == 0 }) { releaseHeldWorkloads() }
        faas.monitorBusy = Array(repeating: 0, count: nodeTable.nodes.count)
        if !faas.functions.isEmpty { queue.schedule(.monitorTick, at: .seconds(scenario.monitorInterval)) }
    }

    /// Room for each function's samples up front, from the most requests its workloads may
    /// send (when they say: `maxRequests`, and for a steady rate over a set duration, that rate
    /// times the duration), so the run does not copy them to grow. At most 2²⁰ samples (16 MB)
    /// a function: beyond that the array grows as usual.
    mutating func reserveSamples() {
        var expected = Array(repeating: 0, count: faas.functions.count)
        for w in faas.workloads where w.function >= 0 {
            guard var bound = w.spec.maxRequests else { continue }
            if let duration = w.spec.duration {
                switch w.spec.pattern {
                case .constant(let rate), .poisson(let rate):
                    let steady = rate * duration * 1.1 + 64  // Poisson counts rarely pass the mean by 10 %
                    if steady.isFinite, steady >= 0, steady < Double(bound) { bound = Int(steady) }
                default: break
                }
            }
            expected[w.function] = Swift.min(1 << 20, expected[w.function] + Swift.max(0, Swift.min(bound, 1 << 20)))
        }
        for f in faas.functions.indices where expected[f] > 0 { faas.functions[f].samples.reserveCapacity(expected[f]) }
    }

    // MARK: Workloads

    /// The time of the workload's next request after `t`, or `nil` when it is done.
    mutating func nextArrival(workload w: Int, after t: Double, first: Bool = false) -> Double? {
        let spec = faas.workloads[w].spec
        if let limit = spec.maxRequests, faas.workloads[w].sent >= limit { return nil }
        let end = spec.duration.map { spec.start + $0 } ?? .infinity
        func thinning(_ rate: (Double) -> Double, maxRate: Double) -> Double? {
            guard maxRate > 0 else { return nil }
            var time = t
            while true {
                time += -log(1 - workloadRandom.nextUnit()) / maxRate
                if time > end { return nil }
                if workloadRandom.nextUnit() * maxRate <= max(0, rate(time)) { return time }
            }
        }
        var next: Double?
        switch spec.pattern {
        case .constant(let rate):
            guard rate > 0 else { return nil }
            next = first ? t : t + 1 / rate
        case .poisson(let rate):
            guard rate > 0 else { return nil }
            next = t + -log(1 - workloadRandom.nextUnit()) / rate
        case .sine(let mean, let amplitude, let period):
            next = thinning({ mean + amplitude * sin(2 * Double.pi * ($0 - spec.start) / period) }, maxRate: mean + abs(amplitude))
        case .ramp(let from, let to):
            let length = spec.duration ?? 0
            next = thinning({ length > 0 ? from + (to - from) * min(1, ($0 - spec.start) / length) : to }, maxRate: max(from, to))
        case .bursts(let base, let burst, let every, let length):
            next = thinning({ time in
                let phase = (time - spec.start).truncatingRemainder(dividingBy: every)
                return phase < length ? burst : base
            }, maxRate: max(base, burst))
        case .trace(let counts):
            while faas.workloads[w].minuteTimes.isEmpty {
                let m = faas.workloads[w].minute
                guard m < counts.count else { return nil }
                faas.workloads[w].minute += 1
                let start = spec.start + Double(m) * 60
                var times = (0..<max(0, counts[m])).map { _ in start + workloadRandom.nextUnit() * 60 }
                times.sort(by: >)
                faas.workloads[w].minuteTimes = times
            }
            next = faas.workloads[w].minuteTimes.popLast()
        }
        guard let n = next, n <= end else { return nil }
        return n
    }

    mutating func requestArrives(workload w: Int) {
        let f = faas.workloads[w].function
        faas.workloads[w].sent += 1
        if let next = nextArrival(workload: w, after: now.seconds) {
            queue.schedule(.arrival(workload: w), at: .seconds(next))
        } else {
            faas.outstandingWorkloads -= 1
        }
        if faas.workloads[w].pipeline >= 0 {
            startRun(pipeline: faas.workloads[w].pipeline)
        } else {
            newRequest(function: f, run: -1, hop: 0)
        }
    }

    mutating func newRequest(function f: Int, run: Int, hop: Int) {
        let t = now.seconds
        faas.functions[f].arrive(at: t)
        let slot: Int
        if let free = faas.freeRequests.popLast() {
            slot = Int(free)
            faas.requests[slot].token &+= 1
        } else {
            slot = faas.requests.count
            faas.requests.append(FaaSState.Request())
        }
        faas.requests[slot].begin(function: f, arrival: t, run: run, hop: hop)
        if faas.functions[f].ready.isEmpty {
            if faas.functions[f].blocked {
                fail(slot, .noCapacity)
                return
            }
            faas.functions[f].coldStarts += 1
            faas.requests[slot].coldEnd = 0  // marks "waited for a replica"
            faas.functions[f].coldQueue.push(slot)
            if faas.functions[f].replicas.isEmpty {
                // Scale from zero: the request waits for the new replica instead of failing.
                scale(f, to: max(1, faas.functions[f].spec.minReplicas), reason: "request while scaled to zero", inputs: nil)
            }
            return
        }
        dispatch(slot, to: pickReplica(f))
    }

    /// The ready replica the function's load balancing picks (it has one). Inlined: called
    /// from the mutating hot path, a non-mutating method was passed a copy of the whole
    /// simulator (over a kilobyte) on every request.
    @inline(__always)
    func pickReplica(_ f: Int) -> Int {
        switch faas.functions[f].spec.loadBalancing {
        case .roundRobin:
            let count = faas.functions[f].ready.count
            return faas.functions[f].ready[faas.functions[f].rr % count]
        case .leastOutstanding:
            var best = faas.functions[f].ready[0], bestLoad = Int.max
            for r in faas.functions[f].ready {
                let load = faas.replicas[r].running + faas.replicas[r].queue.count
                if load < bestLoad { best = r; bestLoad = load }
            }
            return best
        }
    }

    mutating func dispatch(_ slot: Int, to r: Int) {
        let f = faas.replicas[r].function
        faas.functions[f].dispatched()
        faas.requests[slot].dispatch(to: r, at: now.seconds)
        if faas.replicas[r].running < faas.functions[f].spec.workers {
            startExecution(slot, on: r)
        } else if let limit = faas.functions[f].spec.queueLimit, faas.replicas[r].queue.count >= limit {
            fail(slot, .queueFull)
        } else {
            faas.replicas[r].queue.push(slot)
        }
    }

    mutating func startExecution(_ slot: Int, on r: Int) {
        let f = faas.replicas[r].function
        let n = faas.replicas[r].node
        let t = now.seconds
        // The spec's fields are read one by one: a copy of the whole spec (names, images,
        // distributions) would retain and release its storage on every invocation.
        var duration: Double
        var cpu = faas.functions[f].spec.cpuPerInvocation
        var gpu = faas.functions[f].spec.gpuPerInvocation, network = faas.functions[f].spec.networkPerInvocation
        var blockIO = faas.functions[f].spec.blockIOPerInvocation
        var plannedMemory: Double?
        var plan: InvocationPlan?
        if faas.functions[f].hasCustomSimulator, let (custom, context) = functionSimulator(forPod: faas.replicas[r].pod) {
            var random = executionRandom
            plan = custom.invoke(context, random: &random)
            executionRandom = random
        }
        if let plan {
            duration = plan.duration
            cpu = plan.cpuMillis
            plannedMemory = plan.memoryBytes
            gpu = plan.gpus ?? gpu
            network = plan.networkBytesPerSecond ?? network
            blockIO = plan.blockIOBytesPerSecond ?? blockIO
        } else if faas.functions[f].spec.executionTime.isEmpty {
            duration = faas.functions[f].drawExecutionTime(onDeviceType: nil, using: &executionRandom)
        } else {
            duration = faas.functions[f].drawExecutionTime(onDeviceType: nodeTable.nodes[n].spec.deviceType, using: &executionRandom)
        }
        if case .forking(let overhead) = faas.functions[f].spec.behaviour { duration += overhead }
        faas.functions[f].startInvocation(cpu: cpu, at: t)
        faas.replicas[r].addUse(running: 1, cpu: cpu, gpu: gpu, network: network, blockIO: blockIO)
        let mark = nodeTable.usage[n].use(cpu: cpu, gpu: gpu, network: network, blockIO: blockIO, at: t)
        faas.linkRunning(slot, replica: r)
        faas.requests[slot].start(on: r, at: t, cpu: cpu, gpu: gpu, network: network, blockIO: blockIO, mark: mark)
        if scenario.slowdownWhenOversubscribed {
            let demand = nodeTable.usage[n].cpuInUse / nodeTable.usage[n].cpuCapacity
            if demand > 1 { duration *= demand }
        }
        let memory = plannedMemory ?? faas.functions[f].spec.memoryPerInvocation?.sample(using: &executionRandom)
        if let memory, let limit = faas.functions[f].spec.memoryLimit, memory > Double(limit) {
            // Memory grows linearly from 0 to its peak over the run; the container is killed
            // when it crosses the limit.
            faas.requests[slot].memoryKill = true
            duration *= Double(limit) / memory
        }
        if let timeout = faas.functions[f].spec.timeout, duration > timeout {
            // The time limit comes first: a timeout, whatever the memory would have done.
            duration = timeout
            faas.requests[slot].memoryKill = false
            faas.requests[slot].failure = .timeout
        }
        queue.schedule(.invocationEnd(request: Int32(slot), token: tokenFor(slot, replica: r)), at: now + .seconds(duration))
    }

    /// Ties an invocation to its request slot and to the replica's life: a replica that is
    /// lost or restarted bumps its generation, and its running invocations then fail.
    @inline(__always)
    func tokenFor(_ slot: Int, replica r: Int) -> UInt32 {
        faas.requests[slot].token &* 65_521 &+ faas.replicas[r].generation
    }

    mutating func invocationEnds(request slot: Int, token: UInt32) {
        let r = Int(faas.requests[slot].replica)
        guard r >= 0, token == tokenFor(slot, replica: r) else {
            return
        }
        let f = faas.replicas[r].function
        let t = now.seconds
        let req = faas.requests[slot]
        let cpu = req.cpu
        faas.unlinkRunning(slot, replica: r)
        faas.replicas[r].addUse(running: -1, cpu: -cpu, gpu: -req.gpu, network: -req.network, blockIO: -req.blockIO)
        let n = faas.replicas[r].node
        let energy = nodeTable.usage[n].release(cpu: cpu, gpu: req.gpu, network: req.network, blockIO: req.blockIO, mark: req.energyMark, at: t)
        let duration = t - req.execStart
        let memory = faas.functions[f].spec.memoryLimit ?? faas.functions[f].spec.images[pods[faas.replicas[r].pod].imageRank].requests.memoryBytes
        faas.functions[f].endInvocation(cpu: cpu, energy: energy, gbSeconds: Double(memory) / 1e9 * duration, at: t)
        if req.memoryKill {
            fail(slot, .memoryLimit)
            restartReplica(r)
        } else if let failure = req.failure {
            fail(slot, failure)
        } else {
            let coldWait = req.coldEnd > 0 ? req.coldEnd - req.arrival : 0
            let queued = req.execStart - max(req.arrival, req.coldEnd > 0 ? req.coldEnd : req.arrival)
            faas.functions[f].complete(FaaSState.Sample(cold: Float(coldWait), wait: Float(queued), execution: Float(duration),
                                                        total: Float(t - req.arrival)))
            if let onRequest {
                onRequest(RequestRecord(function: faas.functions[f].spec.name, arrival: req.arrival, coldStart: coldWait, wait: queued,
                                        execution: duration, finished: t, failure: nil))
            }
            finish(slot, function: f)
            if req.run >= 0 { stepFinished(run: Int(req.run), hop: Int(req.hop), function: f, succeeded: true) }
        }
        if !faas.replicas[r].isReady || faas.replicas[r].isRemoved { return }
        if let next = faas.replicas[r].queue.pop() { startExecution(next, on: r) }
    }

    mutating func fail(_ slot: Int, _ failure: RequestFailure) {
        let f = Int(faas.requests[slot].function)
        let run = Int(faas.requests[slot].run), hop = Int(faas.requests[slot].hop)
        defer { if run >= 0 { stepFinished(run: run, hop: hop, function: f, succeeded: false) } }
        faas.functions[f].failures[failure, default: 0] += 1
        if let onRequest {
            let req = faas.requests[slot]
            onRequest(RequestRecord(function: faas.functions[f].spec.name, arrival: req.arrival, coldStart: 0, wait: 0, execution: 0,
                                    finished: now.seconds, failure: failure))
        }
        finish(slot, function: f)
    }

    mutating func finish(_ slot: Int, function f: Int) {
        let t = now.seconds
        let idle = faas.functions[f].leave(at: t)
        if idle && faas.outstandingWorkloads == 0 && scenario.compatibility == .faasSim {
            faas.maybeDone = true
        }
        faas.requests[slot].release()
        faas.freeRequests.append(Int32(slot))
        if idle, let keepAlive = faas.functions[f].spec.keepAlive, faas.functions[f].spec.minReplicas == 0, faas.functions[f].kpa == nil {
            queue.schedule(.idleCheck(function: f, generation: faas.functions[f].idleGeneration), at: now + .seconds(keepAlive))
        }
    }

    /// Advances a function's time integrals (in-flight requests, CPU in use) to `t`.
    mutating func integrate(_ f: Int, at t: Double) {
        faas.functions[f].integrate(at: t)
    }

    /// Charges an invocation ending now (the node's usage already advanced to now) its share
    /// of the node's dynamic energy since it started: to its function, and to the node's
    /// energy attributed to invocations.
    mutating func chargeEnergy(_ slot: Int, function f: Int, node n: Int) {
        let req = faas.requests[slot]
        let energy = nodeTable.usage[n].attribute(cpu: req.cpu, gpu: req.gpu, network: req.network, blockIO: req.blockIO, mark: req.energyMark)
        faas.functions[f].energy += energy
    }

    mutating func advanceNodeUsage(_ n: Int, to t: Double) {
        nodeTable.usage[n].advance(to: t)
    }

    /// Seconds a node has been up so far.
    func nodeUpSeconds(_ n: Int) -> Double {
        nodeTable.usage[n].upSeconds + (nodeTable.hot[n].isUp ? now.seconds - nodeTable.usage[n].upSince : 0)
    }

    /// Energy a node used so far: idle power over its up time plus the dynamic part.
    func nodeEnergy(_ n: Int) -> Double {
        let t = now.seconds
        let u = nodeTable.usage[n]
        var dynamic = u.dynamicEnergy
        var up = u.upSeconds
        if nodeTable.hot[n].isUp {
            up += t - u.upSince
            dynamic += u.dynamicPower(cpu: u.cpuInUse, gpu: u.gpuInUse, network: u.networkInUse, blockIO: u.blockIOInUse) * max(0, t - u.lastUsageChange)
        }
        return nodeTable.nodes[n].spec.idleWatts * up + dynamic
    }

    // MARK: Replicas

    mutating func scale(_ f: Int, to requested: Int, reason: String, inputs: ScalingInputs?) {
        let spec = faas.functions[f].spec
        var desired = min(spec.maxReplicas, max(0, requested))
        // Keep one replica while requests wait or within the keep-alive period.
        if desired == 0 && faas.functions[f].inflight > 0 { desired = 1 }
        let current = faas.functions[f].replicas.count
        faas.scalingLog.append(ScalingRecord(time: now.seconds, function: spec.name, from: current, to: desired, scaler: spec.scaler.name,
                                             reason: reason, arrivals: inputs?.arrivals ?? 0, interval: inputs?.interval ?? 0,
                                             readyReplicas: faas.functions[f].ready.count, averageConcurrency: inputs?.averageConcurrency ?? 0))
        if desired > current {
            for _ in current..<desired { addReplica(f) }
        } else if desired < current {
            removeReplicas(f, count: current - desired)
        }
        recordReplicas(f)
    }

    mutating func recordReplicas(_ f: Int) {
        let count = faas.functions[f].replicas.count
        faas.functions[f].maxReplicas = max(faas.functions[f].maxReplicas, count)
        faas.functions[f].replicaTimeline.append((now.seconds, count, faas.functions[f].ready.count))
    }

    mutating func addReplica(_ f: Int) {
        let spec = faas.functions[f].spec
        let image = spec.images[0]
        let name = "\(spec.name)-\(faas.functions[f].nextName)"
        faas.functions[f].nextName += 1
        let pod = PodSpec(name: name, owner: spec.name, image: image.image, requests: image.requests, nodeSelector: image.nodeSelector,
                          lifecycle: LifecycleProfile(startup: spec.lifecycle.startup, setup: spec.lifecycle.setup, terminationGrace: spec.teardown))
        var state = PodState(spec: pod, image: faas.functions[f].images[0], owner: ownerIndexOf(spec.name), created: now)
        state.function = f
        state.replica = faas.replicas.count
        state.extraSetup = spec.codeBytes > 0 ? spec.codeRoundTrip + Double(spec.codeBytes) / max(1, spec.codeBandwidth) : 0
        let p = createPod(state)
        faas.replicas.append(FaaSState.Replica(pod: p, function: f, created: now.seconds))
        faas.functions[f].replicas.append(faas.replicas.count - 1)
    }

    func ownerIndexOf(_ name: String) -> Int {
        ownerNames.firstIndex(of: name) ?? -1
    }

    /// Removes exactly `count` replicas: ones not ready yet first, then the least busy,
    /// newest first. Queued requests go back to the function; running ones finish.
    mutating func removeReplicas(_ f: Int, count: Int) {
        var candidates = faas.functions[f].replicas
        candidates.sort { a, b in
            let ra = faas.replicas[a], rb = faas.replicas[b]
            if ra.isReady != rb.isReady { return !ra.isReady }
            let la = ra.running + ra.queue.count, lb = rb.running + rb.queue.count
            if la != lb { return la < lb }
            return a > b
        }
        var requeue: [Int] = []
        for r in candidates.prefix(count) {
            faas.replicas[r].isRemoved = true
            faas.functions[f].replicas.removeAll { $0 == r }
            faas.functions[f].ready.removeAll { $0 == r }
            requeue += faas.replicas[r].queue.drain()
            account(replica: r)
            deletePod(faas.replicas[r].pod)
        }
        for slot in requeue { reroute(slot, function: f) }
    }

    mutating func reroute(_ slot: Int, function f: Int) {
        if faas.functions[f].ready.isEmpty {
            if faas.requests[slot].coldEnd < 0 { faas.requests[slot].coldEnd = 0 }
            faas.functions[f].coldQueue.push(slot)
            if faas.functions[f].replicas.isEmpty { scale(f, to: 1, reason: "requests waiting", inputs: nil) }
        } else {
            dispatch(slot, to: pickReplica(f))
        }
    }

    /// Adds a replica's lifetime to its function's usage (billing).
    mutating func account(replica r: Int) {
        let f = faas.replicas[r].function
        let use = replicaUsage(r)
        faas.functions[f].replicaSeconds += use.seconds
        faas.functions[f].diskGBSeconds += use.diskGBSeconds
        if let type = use.deviceType { faas.functions[f].nodeShareHours[type, default: 0] += use.nodeShareHours }
    }

    /// What a replica has used from its creation until now: its lifetime, local-disk
    /// GB-seconds, and hours × its CPU share of its node (for per-node-hour billing).
    func replicaUsage(_ r: Int) -> (seconds: Double, diskGBSeconds: Double, deviceType: String?, nodeShareHours: Double) {
        let p = faas.replicas[r].pod
        let lifetime = max(0, now.seconds - faas.replicas[r].created)
        let requests = pods[p].spec.requests
        let n = pods[p].node >= 0 ? pods[p].node : faas.replicas[r].node
        guard n >= 0 else { return (lifetime, Double(requests.diskBytes) / 1e9 * lifetime, nil, 0) }
        let share = Double(requests.cpuMillis) / nodeTable.usage[n].cpuCapacity
        return (lifetime, Double(requests.diskBytes) / 1e9 * lifetime, nodeTable.nodes[n].spec.deviceType, lifetime / 3600 * share)
    }

    mutating func replicaReady(_ r: Int) {
        guard !faas.replicas[r].isRemoved else { return }
        let f = faas.replicas[r].function
        faas.replicas[r].isReady = true
        faas.replicas[r].node = pods[faas.replicas[r].pod].node
        faas.replicas[r].readySince = now.seconds
        faas.functions[f].ready.append(r)
        faas.functions[f].blocked = false
        recordReplicas(f)
        while let slot = faas.functions[f].coldQueue.pop() {
            dispatch(slot, to: pickReplica(f))
        }
        if !faas.heldWorkloads.isEmpty, faas.functions.allSatisfy({ !$0.ready.isEmpty || $0.spec.minReplicas == 0 }) { releaseHeldWorkloads() }
    }

    /// Starts the workloads held until every function had a running replica, each after its
    /// own `start`. faas-sim's gateway looks for a running replica every 0.5 s
    /// (`poll_available_replica`), so the load starts on the next poll.
    mutating func releaseHeldWorkloads() {
        let held = faas.heldWorkloads
        faas.heldWorkloads = []
        let poll = 0.5
        let start = (now.seconds / poll).rounded(.up) * poll
        for w in held {
            // The workload's pattern runs from its start, counted from the load's.
            faas.workloads[w].spec.start += start
            if let first = nextArrival(workload: w, after: faas.workloads[w].spec.start, first: true) {
                queue.schedule(.arrival(workload: w), at: .seconds(first))
            } else {
                faas.outstandingWorkloads -= 1
            }
        }
    }

    /// A replica stops serving (its node failed, or it is restarting): running invocations
    /// fail, queued requests go back to the function.
    mutating func replicaDown(_ r: Int) {
        let f = faas.replicas[r].function
        let wasReady = faas.replicas[r].isReady
        faas.replicas[r].isReady = false
        faas.functions[f].ready.removeAll { $0 == r }
        faas.replicas[r].generation &+= 1
        if wasReady && faas.replicas[r].running > 0 {
            let n = faas.replicas[r].node
            let rep = faas.replicas[r]
            let running = faas.runningSlots(of: r)
            nodeTable.usage[n].change(cpu: -rep.cpuInUse, gpu: -rep.gpuInUse, network: -rep.networkInUse, blockIO: -rep.blockIOInUse, at: now.seconds)
            for slot in running { chargeEnergy(slot, function: f, node: n) }
            integrate(f, at: now.seconds)
            faas.functions[f].runningCPU -= rep.cpuInUse
            faas.functions[f].running -= rep.running
            faas.replicas[r].cpuInUse = 0
            faas.replicas[r].gpuInUse = 0
            faas.replicas[r].networkInUse = 0
            faas.replicas[r].blockIOInUse = 0
            faas.replicas[r].running = 0
            for slot in running { faas.unlinkRunning(slot, replica: r) }
            // Their end events are stale now (the generation changed); they fail here.
            for slot in running { fail(slot, .replicaLost) }
        }
        for slot in faas.replicas[r].queue.drain() { reroute(slot, function: f) }
        recordReplicas(f)
    }

    mutating func replicaLost(_ r: Int) {
        guard !faas.replicas[r].isRemoved else { return }
        replicaDown(r)
    }

    mutating func restartReplica(_ r: Int) {
        guard !faas.replicas[r].isRemoved, faas.replicas[r].isReady else { return }
        replicaDown(r)
        restartContainer(pod: faas.replicas[r].pod)
    }

    mutating func replicaRemoved(_ r: Int) {
        faas.replicas[r].isRemoved = true
    }

    /// The replica's pod was bound to a node: the function can run again (a node came back,
    /// capacity was freed), so its requests wait for the replica instead of failing.
    mutating func replicaScheduled(_ r: Int) {
        guard !faas.replicas[r].isRemoved else { return }
        faas.functions[faas.replicas[r].function].blocked = false
    }

    /// The replica's pod fits nowhere with its image: try the next image in the ranking;
    /// with none left, and no other replica ready or placed, requests waiting for the function
    /// fail for lack of capacity.
    mutating func replicaUnschedulable(_ r: Int) {
        let f = faas.replicas[r].function
        let p = faas.replicas[r].pod
        let rank = pods[p].imageRank + 1
        let spec = faas.functions[f].spec
        if rank < spec.images.count {
            reschedule(pod: p, image: faas.functions[f].images[rank], rank: rank, spec.images[rank])
            return
        }
        // Another replica on its way (bound to a node, pulling or starting) will serve them.
        let coming = faas.functions[f].replicas.contains { $0 != r && pods[faas.replicas[$0].pod].node >= 0 }
        if faas.functions[f].ready.isEmpty, !coming {
            faas.functions[f].blocked = true
            while let slot = faas.functions[f].coldQueue.pop() { fail(slot, .noCapacity) }
            // A function that cannot run would hold the load forever (faas-sim's gateway polls
            // for ever): the load starts, and its requests fail for want of capacity.
            if !faas.heldWorkloads.isEmpty { releaseHeldWorkloads() }
        }
    }

    // MARK: Scalers, idleness, monitoring

    var isFaaSActive: Bool {
        // (runs in progress always have a request in flight)
        faas.outstandingWorkloads > 0 || faas.functions.contains { $0.inflight > 0 }
    }

    mutating func scalerTick(_ f: Int) {
        let t = now.seconds
        integrate(f, at: t)
        // Read what the decision needs into plain values: holding a copy of the function's state
        // across the mutations below would make every append to its timelines copy them.
        let (inputs, keepAlive, lastActivity, tickInterval) = scalingInputs(f, at: t)
        faas.functions[f].arrivalsSinceTick = 0
        faas.functions[f].dispatchedSinceTick = 0
        faas.functions[f].concurrencyIntegral = 0
        faas.functions[f].cpuIntegral = 0
        faas.functions[f].lastTick = t
        var decision: ScalingDecision?
        if let s = faas.functions[f].requestRate { decision = s.decide(inputs) }
        if let s = faas.functions[f].average { decision = s.decide(inputs) }
        if faas.functions[f].hpa != nil { decision = faas.functions[f].hpa?.decide(inputs) }
        if faas.functions[f].kpa != nil { decision = faas.functions[f].kpa?.decide(inputs) }
        if var d = decision {
            // Scale to zero waits for the keep-alive period (KPA has its own rule).
            // (It keeps a replica that exists; it never brings one back.)
            if d.desired == 0, inputs.replicas > 0, faas.functions[f].kpa == nil, let keepAlive,
               t - lastActivity < keepAlive
            {
                d.desired = 1
                d.reason += "; kept alive"
            }
            scale(f, to: d.desired, reason: d.reason, inputs: inputs)
        }
        // Periodic work stops once no request is left, unless the run has a time limit.
        if isFaaSActive || runLimit != .infinity {
            queue.schedule(.scalerTick(function: f), at: now + .seconds(tickInterval))
        }
    }

    func scalingInputs(_ f: Int, at t: Double) -> (ScalingInputs, keepAlive: Double?, lastActivity: Double, interval: Double) {
        let fn = faas.functions[f]
        let interval = t - fn.lastTick
        var inputs = ScalingInputs(
            now: t, replicas: fn.replicas.count, readyReplicas: fn.ready.count, arrivals: fn.arrivalsSinceTick, interval: interval,
            averageConcurrency: interval > 0 ? fn.concurrencyIntegral / interval : 0,
            averageCPUMillis: interval > 0 ? fn.cpuIntegral / interval : 0,
            cpuRequestMillis: meanReadyCPURequest(f))
        inputs.dispatched = fn.dispatchedSinceTick
        return (inputs, fn.spec.keepAlive, fn.lastActivity, fn.interval)
    }

    /// The CPU request of the function's ready replicas, averaged: each runs the image the
    /// ranking gave it, and the HPA divides the CPU used by the sum of their requests.
    func meanReadyCPURequest(_ f: Int) -> Double {
        let fn = faas.functions[f]
        guard !fn.ready.isEmpty else { return Double(fn.spec.images[0].requests.cpuMillis) }
        var total = 0.0
        for r in fn.ready { total += Double(pods[faas.replicas[r].pod].spec.requests.cpuMillis) }
        return total / Double(fn.ready.count)
    }

    mutating func idleCheck(_ f: Int, generation: Int) {
        guard faas.functions[f].idleGeneration == generation, faas.functions[f].inflight == 0 else { return }
        scale(f, to: 0, reason: "idle for \(faas.functions[f].spec.keepAlive ?? 0) s (keep-alive)", inputs: nil)
    }

    mutating func monitorTick() {
        let t = now.seconds
        let dt = t - faas.lastMonitor
        var sum = 0.0, peak = 0.0, count = 0
        for n in nodeTable.nodes.indices where nodeTable.hot[n].isUp {
            advanceNodeUsage(n, to: t)
            let u = dt > 0 ? min(1, (nodeTable.usage[n].busyIntegral - faas.monitorBusy[n]) / dt) : 0
            faas.monitorBusy[n] = nodeTable.usage[n].busyIntegral
            onNodeUtilization?(t, nodeTable.nodes[n].spec.name, u)
            sum += u
            peak = max(peak, u)
            count += 1
        }
        faas.lastMonitor = t
        faas.utilizationTimeline.append((t, count > 0 ? sum / Double(count) : 0, peak))
        for f in faas.functions.indices {
            recordReplicas(f)
            var total = 0.0, busiest = 0.0
            for r in faas.functions[f].ready {
                let request = Double(pods[faas.replicas[r].pod].spec.requests.cpuMillis)
                let u = request > 0 ? min(1, faas.replicas[r].cpuInUse / request) : 0
                total += u
                busiest = max(busiest, u)
            }
            let ready = faas.functions[f].ready.count
            faas.replicaUtilization.append((t, f, ready, ready > 0 ? total / Double(ready) : 0, busiest))
        }
        if isFaaSActive || runLimit != .infinity {
            queue.schedule(.monitorTick, at: now + .seconds(scenario.monitorInterval))
        }
    }
}

