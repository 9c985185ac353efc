import Simulation

/// Per-node state: the scheduler's hot fields, the kubelet's caches and pulls, resource use.
extension ClusterSimulator {
    /// Every node's state, in plain arrays indexed by node: the scheduler filters and scores
    /// over ``NodeHot`` and ``nonZeroRequested``, the kubelets keep their caches and pulls in
    /// ``NodeState``, the FaaS platform accounts resource use in ``NodeUsage``. Mutated in
    /// place through its stored arrays (never through a computed property, which would copy).
    struct NodeTable {
        var nodes: [NodeState] = []
        var hot: [NodeHot] = []
        /// CPU and memory requested on each node with kube-scheduler's non-zero defaults for pods
        /// that request none (`NodeInfo.NonZeroRequested`, used by LeastAllocated); apart from
        /// ``NodeHot`` so the filters' per-node reads stay small.
        var nonZeroRequested: [(cpu: Int64, memory: Int64)] = []
        var usage: [NodeUsage] = []
        /// Nodes that have joined the cluster (the scheduler sees only these).
        var joined = 0

        var count: Int { nodes.count }

        /// Adds a node that has joined (`joined`) or will join later.
        mutating func append(_ spec: NodeSpec, joined isJoined: Bool, data: Set<String>) {
            var state = NodeState(spec: spec, labels: spec.effectiveLabels)
            state.data = data
            nodes.append(state)
            hot.append(NodeHot(capacity: spec.capacity, maxPods: spec.maxPods, diskBytes: spec.diskBytes, architecture: spec.architecture,
                               isUp: isJoined, hasJoined: isJoined, hasTaints: spec.taints.contains { $0.effect != .preferNoSchedule }))
            var h = NodeUsage()
            h.cpuWatts = spec.maxWatts - spec.idleWatts
            h.gpuWatts = spec.capacity.gpus > 0 ? spec.gpuWatts : 0
            h.networkWatts = spec.networkWatts
            h.blockIOWatts = spec.blockIOWatts
            h.networkCapacity = max(1, spec.bandwidth)
            h.blockIOCapacity = max(1, spec.blockIOBandwidth)
            h.cpuCapacity = max(1, Double(spec.capacity.cpuMillis))
            h.gpus = Double(spec.capacity.gpus)
            usage.append(h)
            nonZeroRequested.append((0, 0))
            if isJoined { joined += 1 }
        }

        /// Accounts a pod's requests on a node (binding).
        mutating func allocate(_ requests: Resources, on n: Int) {
            hot[n].allocated += requests
            let nonZero = SchedulerState.nonZero(requests)
            nonZeroRequested[n].cpu += nonZero.cpu
            nonZeroRequested[n].memory += nonZero.memory
            hot[n].podCount += 1
        }

        /// Gives a pod's requests back on a node.
        mutating func release(_ requests: Resources, on n: Int) {
            hot[n].allocated -= requests
            let nonZero = SchedulerState.nonZero(requests)
            nonZeroRequested[n].cpu -= nonZero.cpu
            nonZeroRequested[n].memory -= nonZero.memory
            hot[n].podCount -= 1
        }
    }

    /// The fields the scheduler reads for every node on every attempt, kept apart in plain
    /// values (no reference counting) so filtering thousands of nodes stays cheap.
    struct NodeHot {
        var capacity: Resources
        var allocated = Resources()
        var podCount = 0
        var maxPods: Int
        var diskBytes: Int64
        var pinnedBytes: Int64 = 0
        var architecture: Architecture
        var isUp: Bool
        var hasJoined: Bool
        var hasTaints: Bool
        /// CPU used by running invocations, millicores, and its integrals for utilisation and energy.
    }

    /// A node's resource use over time, for utilisation and energy (kept apart from
    /// ``NodeHot`` so the scheduler's per-node reads stay small).
    struct NodeUsage {
        /// Power model: watts above idle at full CPU, GPU, network and block I/O.
        var cpuWatts: Double = 0
        var gpuWatts: Double = 0
        var networkWatts: Double = 0
        var blockIOWatts: Double = 0
        var networkCapacity: Double = 1
        var blockIOCapacity: Double = 1
        /// The node's CPU capacity in millicores (at least 1) and its GPUs, as the power model,
        /// CPU load and node shares divide by them.
        var cpuCapacity: Double = 1
        var gpus: Double = 0
        var cpuInUse: Double = 0
        var gpuInUse: Double = 0
        var networkInUse: Double = 0
        var blockIOInUse: Double = 0
        var lastUsageChange: Double = 0
        var busyIntegral: Double = 0
        var dynamicEnergy: Double = 0
        /// Dynamic energy per unit of each resource in use, integrated over time: each
        /// resource's power split over its users in proportion to their use, so invocations'
        /// shares add up to the node's dynamic energy even when it is oversubscribed.
        var cpuEnergyPerUnit: Double = 0
        var gpuEnergyPerUnit: Double = 0
        var networkEnergyPerUnit: Double = 0
        var blockIOEnergyPerUnit: Double = 0
        /// Dynamic energy charged to invocations so far.
        var attributedEnergy: Double = 0
        var upSince: Double = 0
        var upSeconds: Double = 0

        /// Power above idle for the given use: linear in each resource's utilisation, every
        /// utilisation capped at 100 %.
        func dynamicPower(cpu: Double, gpu: Double, network: Double, blockIO: Double) -> Double {
            var watts = cpuWatts * min(1, cpu / cpuCapacity)
            if gpuWatts > 0 { watts += gpuWatts * min(1, gpu / gpus) }
            if networkWatts > 0 { watts += networkWatts * min(1, network / networkCapacity) }
            if blockIOWatts > 0 { watts += blockIOWatts * min(1, blockIO / blockIOCapacity) }
            return watts
        }

        /// Moves the integrals (busy time, energy per unit of each resource, dynamic energy)
        /// on to `t` at the current use.
        mutating func advance(to t: Double) {
            let dt = t - lastUsageChange
            guard dt > 0 else { return }
            busyIntegral += min(1, cpuInUse / cpuCapacity) * dt  // never above 100 %
            // Each resource's power, capped at full use, shared in proportion to use:
            // watts × min(1, use / capacity) / use = watts / max(capacity, use) per unit.
            if cpuInUse > 0 { cpuEnergyPerUnit += cpuWatts / max(cpuCapacity, cpuInUse) * dt }
            if gpuInUse > 0, gpuWatts > 0 { gpuEnergyPerUnit += gpuWatts / max(gpus, gpuInUse) * dt }
            if networkInUse > 0, networkWatts > 0 { networkEnergyPerUnit += networkWatts / max(networkCapacity, networkInUse) * dt }
            if blockIOInUse > 0, blockIOWatts > 0 { blockIOEnergyPerUnit += blockIOWatts / max(blockIOCapacity, blockIOInUse) * dt }
            dynamicEnergy += dynamicPower(cpu: cpuInUse, gpu: gpuInUse, network: networkInUse, blockIO: blockIOInUse) * dt
            lastUsageChange = t
        }

        /// Adds a change of use at `t` (negative to give use back), the integrals first moved on.
        mutating func change(cpu: Double, gpu: Double, network: Double, blockIO: Double, at t: Double) {
            advance(to: t)
            cpuInUse = max(0, cpuInUse + cpu)
            gpuInUse = max(0, gpuInUse + gpu)
            networkInUse = max(0, networkInUse + network)
            blockIOInUse = max(0, blockIOInUse + blockIO)
        }

        /// An invocation starts using the resources at `t`; returns the per-unit energy
        /// integrals weighted by its use (its energy mark: its share at its end is the same sum
        /// then minus this).
        mutating func use(cpu: Double, gpu: Double, network: Double, blockIO: Double, at t: Double) -> Double {
            change(cpu: cpu, gpu: gpu, network: network, blockIO: blockIO, at: t)
            return energyIntegral(cpu: cpu, gpu: gpu, network: network, blockIO: blockIO)
        }

        /// An invocation that started at `mark` gives its use back at `t`; returns its share of
        /// the dynamic energy, now attributed to it.
        mutating func release(cpu: Double, gpu: Double, network: Double, blockIO: Double, mark: Double, at t: Double) -> Double {
            change(cpu: -cpu, gpu: -gpu, network: -network, blockIO: -blockIO, at: t)
            return attribute(cpu: cpu, gpu: gpu, network: network, blockIO: blockIO, mark: mark)
        }

        /// The dynamic energy an invocation with this use, started at `mark`, has used by the
        /// last advance; attributed to it.
        mutating func attribute(cpu: Double, gpu: Double, network: Double, blockIO: Double, mark: Double) -> Double {
            let energy = max(0, energyIntegral(cpu: cpu, gpu: gpu, network: network, blockIO: blockIO) - mark)
            attributedEnergy += energy
            return energy
        }

        /// The per-unit energy integrals weighted by a use of the resources.
        func energyIntegral(cpu: Double, gpu: Double, network: Double, blockIO: Double) -> Double {
            cpu * cpuEnergyPerUnit + gpu * gpuEnergyPerUnit + network * networkEnergyPerUnit + blockIO * blockIOEnergyPerUnit
        }
    }


    struct NodeState {
        var spec: NodeSpec
        var labels: [String: String]
        var generation = 0
        /// Layers on disk: layer → last use (a sequence number).
        var cached: [Int: UInt64] = [:]
        var cachedBytes: Int64 = 0
        /// Layers being fetched: layer → pods waiting for it.
        var inFlight: [Int: [Int]] = [:]
        var inFlightBytes: Int64 = 0
        /// Extracted and usable.
        var ready: Set<Int> = []
        /// Pods on the node using each layer (pinned layers are never evicted).
        var pins: [Int: Int] = [:]
        var data: Set<String> = []
        /// When each layer on disk was pulled (kubelet's `firstDetected`, for the minimum GC age).
        var detected: [Int: Double] = [:]
        /// Layers being unpacked.
        var extracting: Set<Int> = []
        /// Image pulls running (image index) and waiting, with the pods waiting for each
        /// (kubelet's image puller: one at a time when serialised).
        var activePulls: [(image: Int, pods: [Int])] = []
        var queuedPulls: [(image: Int, pods: [Int])] = []
        /// When the node joined: image GC runs every period from then.
        var joinedAt: Double = 0
        var gcScheduled = false
    }
}
