import Blueprint
import Foundation
import Testing
@testable import KubeAPI

/// 2026-12-02T13:45:00Z, the wall clock the AGE columns are measured against.
private let now = Date(timeIntervalSince1970: 1_796_219_100)

private func object(_ json: String) throws -> JSONObject {
    let root = try JSONParser().parse(json).root
    return try #require(root.object)
}

private func table(_ resource: String, _ objects: [String]) throws -> JSONObject {
    let value = Tables.table(resource: resource, objects: try objects.map(object), now: now, resourceVersion: "42")
    return try #require(value.object)
}

private func columns(_ table: JSONObject) -> [String] {
    (table["columnDefinitions"]?.array ?? []).compactMap { $0["name"]?.string }
}

private func wideColumns(_ table: JSONObject) -> [String] {
    (table["columnDefinitions"]?.array ?? []).filter { $0["priority"] == .number("1") }.compactMap { $0["name"]?.string }
}

private func cells(_ table: JSONObject, row: Int = 0) -> [JSONValue] {
    let rows = table["rows"]?.array ?? []
    return row < rows.count ? rows[row]["cells"]?.array ?? [] : []
}

/// The cell under the named column.
private func cell(_ table: JSONObject, _ column: String, row: Int = 0) -> JSONValue? {
    guard let index = columns(table).firstIndex(of: column) else { return nil }
    let values = cells(table, row: row)
    return index < values.count ? values[index] : nil
}

private func rowMetadata(_ table: JSONObject, row: Int = 0) -> JSONObject? {
    let rows = table["rows"]?.array ?? []
    return row < rows.count ? rows[row]["object"]?["metadata"]?.object : nil
}

@Suite struct HumanDurationTests {
    @Test(arguments: [
        (-5.0, "<invalid>"), (-2.0, "<invalid>"), (-1.5, "0s"), (-0.5, "0s"),
        (0.0, "0s"), (0.9, "0s"), (1.0, "1s"), (59.0, "59s"), (60.0, "60s"), (119.9, "119s"),
        (120.0, "2m"), (123.0, "2m3s"), (599.0, "9m59s"), (600.0, "10m"), (601.0, "10m"),
        (10_799.0, "179m"), (10_800.0, "3h"), (11_040.0, "3h4m"), (28_799.0, "7h59m"),
        (28_800.0, "8h"), (172_799.0, "47h"), (172_800.0, "2d"), (176_400.0, "2d1h"),
        (691_199.0, "7d23h"), (691_200.0, "8d"), (432_000.0, "5d"),
        (63_071_999.0, "729d"), (63_072_000.0, "2y"), (63_331_200.0, "2y3d"),
        (252_287_999.0, "7y364d"), (252_288_000.0, "8y"), (315_360_000.0, "10y"), (1e30, "292y"), (-1e30, "<invalid>"),
    ])
    func thresholds(seconds: Double, expected: String) {
        #expect(Tables.humanDuration(seconds) == expected)
    }
}

@Suite struct TableShapeTests {
    @Test func envelope() throws {
        let t = try table("pods", [#"{"metadata":{"name":"a","namespace":"demo","uid":"u1","resourceVersion":"7","creationTimestamp":"2026-12-02T13:40:00Z"}}"#])
        #expect(t["kind"] == "Table")
        #expect(t["apiVersion"] == "meta.k8s.io/v1")
        #expect(t["metadata"]?["resourceVersion"] == "42")
        let first = try #require(t["columnDefinitions"]?.array?.first?.object)
        #expect(first.keys == ["name", "type", "format", "description", "priority"])
        #expect(first["name"] == "Name" && first["format"] == "name" && first["priority"] == .number("0"))
        let row = try #require(t["rows"]?.array?.first?.object)
        #expect(row["object"]?["kind"] == "PartialObjectMetadata")
        #expect(row["object"]?["apiVersion"] == "meta.k8s.io/v1")
        let metadata = try #require(rowMetadata(t))
        #expect(metadata.keys == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"])
        #expect(metadata["namespace"] == "demo")
        #expect(cells(t).count == columns(t).count)
    }

    @Test func namespaceOnlyForNamespacedKinds() throws {
        let meta = #"{"metadata":{"name":"x","namespace":"demo","uid":"u","creationTimestamp":"2026-12-02T13:40:00Z"}}"#
        for resource in ["pods", "services", "deployments", "events", "persistentvolumeclaims", "widgets"] {
            #expect(try rowMetadata(table(resource, [meta]))?["namespace"] == "demo", "\(resource)")
        }
        for resource in ["nodes", "namespaces", "storageclasses"] {
            #expect(try rowMetadata(table(resource, [meta]))?["namespace"] == nil, "\(resource)")
        }
    }

    @Test func unknownResourceGetsNameAndAge() throws {
        let t = try table("configmaps", [#"{"metadata":{"name":"settings","creationTimestamp":"2026-12-02T12:45:00Z"}}"#])
        #expect(columns(t) == ["Name", "Age"])
        #expect(cells(t) == ["settings", "60m"])
    }

    @Test func ageOfMissingTimestampIsUnknown() throws {
        let t = try table("namespaces", [#"{"metadata":{"name":"demo"},"status":{"phase":"Active"}}"#])
        #expect(cells(t) == ["demo", "Active", "<unknown>"])
    }

    @Test func sameInputSameBytes() throws {
        let pod = #"{"metadata":{"name":"a","namespace":"demo","creationTimestamp":"2026-12-02T13:40:00Z"},"spec":{"containers":[{"name":"c"}]}}"#
        let a = Tables.table(resource: "pods", objects: [try object(pod)], now: now, resourceVersion: "1")
        let b = Tables.table(resource: "pods", objects: [try object(pod)], now: now, resourceVersion: "1")
        #expect(JSONWriter(pretty: false).write(a) == JSONWriter(pretty: false).write(b))
    }
}

@Suite struct PodTableTests {
    let meta = #""metadata":{"name":"web-7e7d-2cf9t","namespace":"demo","uid":"p1","creationTimestamp":"2026-12-02T13:40:00Z""#

    @Test func columnsAndWideColumns() throws {
        let t = try table("pods", [])
        #expect(columns(t) == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(wideColumns(t) == ["IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(t["rows"] == .array([]))
    }

    @Test func pendingContainerCreating() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"web\",\"image\":\"web:1\"}]},\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"web\",\"ready\":false,\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"ContainerCreating\"}}}]}}"])
        #expect(cells(t) == ["web-7e7d-2cf9t", "0/1", "ContainerCreating", "0", "5m", "<none>", "node-1", "<none>", "<none>"])
    }

    @Test func unscheduledPendingPod() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Pending\"}}"])
        #expect(cells(t) == ["web-7e7d-2cf9t", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"])
    }

    @Test func imagePullBackOffAndErrImagePull() throws {
        for reason in ["ImagePullBackOff", "ErrImagePull"] {
            let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"web\",\"ready\":false,\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"\(reason)\",\"message\":\"pull failed\"}}}]}}"])
            #expect(cell(t, "Status") == .string(reason))
            #expect(cell(t, "Ready") == "0/1")
        }
    }

    @Test func runningReadyPod() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.10\",\"podIPs\":[{\"ip\":\"10.244.0.10\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],\"containerStatuses\":[{\"name\":\"web\",\"ready\":true,\"restartCount\":0,\"started\":true,\"state\":{\"running\":{\"startedAt\":\"2026-12-02T13:41:00Z\"}}}]}}"])
        #expect(cells(t) == ["web-7e7d-2cf9t", "1/1", "Running", "0", "5m", "10.244.0.10", "node-1", "<none>", "<none>"])
        #expect(try #require(t["rows"]?.array?.first?.object)["conditions"] == nil)
    }

    @Test func podIPFallsBackToPodIPField() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.7\"}}"])
        #expect(cell(t, "IP") == "10.244.0.7")
        #expect(cell(t, "Ready") == "0/0")
    }

    @Test func crashLoopWithRestartsShowsLastRestartAge() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}},{\"name\":\"b\",\"ready\":false,\"restartCount\":2,\"lastState\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\",\"finishedAt\":\"2026-12-02T13:44:30Z\"}},\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}"])
        #expect(cell(t, "Ready") == "1/2")
        #expect(cell(t, "Status") == "CrashLoopBackOff")
        #expect(cell(t, "Restarts") == "2 (30s ago)")
    }

    @Test func terminatingPod() throws {
        let t = try table("pods", [#"{"metadata":{"name":"old","namespace":"demo","creationTimestamp":"2026-12-02T11:45:00Z","deletionTimestamp":"2026-12-02T13:45:30Z"},"spec":{"containers":[{"name":"web"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"web","ready":true,"restartCount":0,"state":{"running":{}}}]}}"#])
        #expect(cells(t).prefix(5) == ["old", "1/1", "Terminating", "0", "120m"])
    }

    @Test func completedPodCarriesRowCondition() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"job\"}]},\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"job\",\"ready\":false,\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}"])
        #expect(cell(t, "Status") == "Completed")
        #expect(cell(t, "Ready") == "0/1")
        let conditions = try #require(t["rows"]?.array?.first?["conditions"]?.array)
        #expect(conditions.first?["type"] == "Completed")
        #expect(conditions.first?["reason"] == "Succeeded")
    }

    @Test func terminatedWithoutReasonShowsExitCodeOrSignal() throws {
        let exit = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\",\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":137}}}]}}"])
        #expect(cell(exit, "Status") == "ExitCode:137")
        let signal = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\",\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":0,\"signal\":9}}}]}}"])
        #expect(cell(signal, "Status") == "Signal:9")
    }

    @Test func initContainers() throws {
        let waiting = try table("pods", ["{\(meta)},\"spec\":{\"initContainers\":[{\"name\":\"setup\"},{\"name\":\"migrate\"}],\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"setup\",\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}},{\"name\":\"migrate\",\"restartCount\":0,\"state\":{\"running\":{}}}],\"containerStatuses\":[{\"name\":\"web\",\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}}"])
        #expect(cell(waiting, "Status") == "Init:1/2")
        let failing = try table("pods", ["{\(meta)},\"spec\":{\"initContainers\":[{\"name\":\"setup\"}],\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"setup\",\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}"])
        #expect(cell(failing, "Status") == "Init:CrashLoopBackOff")
        #expect(cell(failing, "Restarts") == "3")
    }

    @Test func readinessGates() throws {
        let t = try table("pods", ["{\(meta)},\"spec\":{\"containers\":[],\"readinessGates\":[{\"conditionType\":\"lb/ready\"},{\"conditionType\":\"other\"}]},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"lb/ready\",\"status\":\"True\"}]}}"])
        #expect(cell(t, "Readiness Gates") == "1/2")
    }
}

@Suite struct WorkloadTableTests {
    @Test func deploymentTwoOfThree() throws {
        let t = try table("deployments", [#"{"metadata":{"name":"web","namespace":"demo","uid":"d1","creationTimestamp":"2026-12-02T10:45:00Z"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","tier":"front"}},"template":{"spec":{"containers":[{"name":"web","image":"ghcr.io/acme/web:1.2"},{"name":"sidecar","image":"envoy:1.30"}]}}},"status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}}"#])
        #expect(columns(t) == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
        #expect(wideColumns(t) == ["Containers", "Images", "Selector"])
        #expect(cells(t) == ["web", "2/3", 3, 2, "3h", "web,sidecar", "ghcr.io/acme/web:1.2,envoy:1.30", "app=web,tier=front"])
    }

    @Test func newDeploymentWithoutStatus() throws {
        let t = try table("deployments", [#"{"metadata":{"name":"api","namespace":"demo","creationTimestamp":"2026-12-02T13:44:58Z"},"spec":{"selector":{"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},{"key":"app","operator":"Exists"}]},"template":{"spec":{"containers":[{"name":"api","image":"api:2"}]}}}}"#])
        #expect(cells(t) == ["api", "0/1", 0, 0, "2s", "api", "api:2", "app,env in (dev,prod)"])
    }

    @Test func replicaSet() throws {
        let t = try table("replicasets", [#"{"metadata":{"name":"web-7e7d","namespace":"demo","creationTimestamp":"2026-12-02T13:35:00Z"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"7e7d"}},"template":{"spec":{"containers":[{"name":"web","image":"web:1"}]}}},"status":{"replicas":3,"readyReplicas":1}}"#])
        #expect(columns(t) == ["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"])
        #expect(wideColumns(t) == ["Containers", "Images", "Selector"])
        #expect(cells(t) == ["web-7e7d", 3, 3, 1, "10m", "web", "web:1", "app=web,pod-template-hash=7e7d"])
        let types = (t["columnDefinitions"]?.array ?? []).compactMap { $0["type"]?.string }
        #expect(types == ["string", "integer", "integer", "integer", "string", "string", "string", "string"])
    }

    @Test func replicaSetWithoutSelector() throws {
        let t = try table("replicasets", [#"{"metadata":{"name":"rs","namespace":"demo"},"spec":{"replicas":0}}"#])
        #expect(cell(t, "Selector") == "<none>")
        #expect(cell(t, "Desired") == 0)
    }

    @Test func horizontalPodAutoscalerV2() throws {
        let t = try table("horizontalpodautoscalers", [#"{"metadata":{"name":"web","namespace":"demo","creationTimestamp":"2026-12-02T13:00:00Z"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]},"status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":40,"averageValue":"200m"}}}]}}"#])
        #expect(columns(t) == ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"])
        #expect(wideColumns(t) == [])
        #expect(cells(t) == ["web", "Deployment/web", "cpu: 40%/80%", "1", 10, 2, "45m"])
    }

    @Test func horizontalPodAutoscalerWithoutMeasurements() throws {
        let t = try table("horizontalpodautoscalers", [#"{"metadata":{"name":"web","namespace":"demo"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}},{"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"10"}}}]}}"#])
        #expect(cell(t, "Targets") == "cpu: <unknown>/80%, memory: <unknown>/512Mi + 1 more...")
        #expect(cell(t, "MinPods") == "<unset>")
        #expect(cell(t, "Replicas") == 0)
    }

    @Test func horizontalPodAutoscalerV1() throws {
        let t = try table("horizontalpodautoscalers", [#"{"metadata":{"name":"web","namespace":"demo"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":4,"targetCPUUtilizationPercentage":50},"status":{"currentReplicas":3,"currentCPUUtilizationPercentage":65}}"#])
        #expect(cell(t, "Targets") == "cpu: 65%/50%")
        #expect(cell(t, "MinPods") == "2")
    }
}

@Suite struct NetworkTableTests {
    @Test func nodePortService() throws {
        let t = try table("services", [#"{"metadata":{"name":"web","namespace":"demo","creationTimestamp":"2026-12-02T13:43:00Z"},"spec":{"type":"NodePort","clusterIP":"10.96.12.34","clusterIPs":["10.96.12.34"],"selector":{"app":"web"},"ports":[{"port":8061,"targetPort":8061,"nodePort":30123,"protocol":"TCP"}]}}"#])
        #expect(columns(t) == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        #expect(wideColumns(t) == ["Selector"])
        #expect(cells(t) == ["web", "NodePort", "10.96.12.34", "<none>", "8061:30123/TCP", "2m", "app=web"])
    }

    @Test func clusterIPServiceDefaults() throws {
        let t = try table("services", [#"{"metadata":{"name":"db","namespace":"demo","creationTimestamp":"2026-12-02T13:43:00Z"},"spec":{"clusterIP":"10.96.0.20","ports":[{"port":80},{"port":53,"protocol":"UDP"}]}}"#])
        #expect(cells(t) == ["db", "ClusterIP", "10.96.0.20", "<none>", "80/TCP,53/UDP", "2m", "<none>"])
    }

    @Test func loadBalancerAndHeadlessServices() throws {
        let t = try table("services", [
            #"{"metadata":{"name":"lb","namespace":"demo"},"spec":{"type":"LoadBalancer","clusterIP":"10.96.0.5","ports":[]}}"#,
            #"{"metadata":{"name":"headless","namespace":"demo"},"spec":{"clusterIP":"None","clusterIPs":["None"]}}"#,
        ])
        #expect(cell(t, "External-IP", row: 0) == "<pending>")
        #expect(cell(t, "Port(s)", row: 0) == "<none>")
        #expect(cell(t, "Cluster-IP", row: 1) == "None")
    }

    @Test func endpoints() throws {
        let t = try table("endpoints", [
            #"{"metadata":{"name":"web","namespace":"demo","creationTimestamp":"2026-12-02T13:43:00Z"},"subsets":[{"addresses":[{"ip":"10.244.0.5"},{"ip":"10.244.0.6"}],"ports":[{"port":8061,"protocol":"TCP"}]}]}"#,
            #"{"metadata":{"name":"big","namespace":"demo","creationTimestamp":"2026-12-02T13:43:00Z"},"subsets":[{"addresses":[{"ip":"10.244.0.1"},{"ip":"10.244.0.2"},{"ip":"10.244.0.3"},{"ip":"10.244.0.4"},{"ip":"10.244.0.5"}],"ports":[{"port":80}]}]}"#,
            #"{"metadata":{"name":"empty","namespace":"demo","creationTimestamp":"2026-12-02T13:43:00Z"}}"#,
        ])
        #expect(columns(t) == ["Name", "Endpoints", "Age"])
        #expect(cells(t, row: 0) == ["web", "10.244.0.5:8061,10.244.0.6:8061", "2m"])
        #expect(cells(t, row: 1) == ["big", "10.244.0.1:80,10.244.0.2:80,10.244.0.3:80 + 2 more...", "2m"])
        #expect(cells(t, row: 2) == ["empty", "<none>", "2m"])
    }
}

@Suite struct ClusterTableTests {
    @Test func nodes() throws {
        let t = try table("nodes", [
            #"{"metadata":{"name":"node-1","uid":"n1","creationTimestamp":"2026-11-27T13:45:00Z","labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"node-1"}},"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"172.18.0.2"},{"type":"Hostname","address":"node-1"}],"nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0","containerRuntimeVersion":"containerd://1.7.18"}}}"#,
            #"{"metadata":{"name":"node-2","creationTimestamp":"2026-12-02T13:45:00Z"},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#,
        ])
        #expect(columns(t) == ["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"])
        #expect(wideColumns(t) == ["Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"])
        #expect(cells(t, row: 0) == ["node-1", "Ready", "control-plane", "5d", "v1.32.0", "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "containerd://1.7.18"])
        #expect(cells(t, row: 1) == ["node-2", "NotReady,SchedulingDisabled", "<none>", "0s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"])
        #expect(rowMetadata(t)?["labels"]?["kubernetes.io/hostname"] == "node-1")
    }

    @Test func nodeWithoutConditionsIsUnknown() throws {
        let t = try table("nodes", [#"{"metadata":{"name":"n","labels":{"kubernetes.io/role":"worker"}}}"#])
        #expect(cell(t, "Status") == "Unknown")
        #expect(cell(t, "Roles") == "worker")
    }

    @Test func namespaces() throws {
        let t = try table("namespaces", [
            #"{"metadata":{"name":"demo","uid":"ns1","creationTimestamp":"2026-12-02T13:44:00Z"},"status":{"phase":"Active"}}"#,
            #"{"metadata":{"name":"gone","creationTimestamp":"2026-12-01T13:45:00Z","deletionTimestamp":"2026-12-02T13:44:00Z"},"status":{"phase":"Terminating"}}"#,
        ])
        #expect(columns(t) == ["Name", "Status", "Age"])
        #expect(cells(t, row: 0) == ["demo", "Active", "60s"])
        #expect(cells(t, row: 1) == ["gone", "Terminating", "24h"])
    }

    @Test func events() throws {
        let t = try table("events", [
            #"{"metadata":{"name":"web-7e7d-2cf9t.17f0a","namespace":"demo","creationTimestamp":"2026-12-02T13:40:00Z"},"involvedObject":{"kind":"Pod","namespace":"demo","name":"web-7e7d-2cf9t","fieldPath":"spec.containers{web}"},"reason":"Pulling","message":"Pulling image \"web:1\"\n","source":{"component":"kubelet","host":"node-1"},"firstTimestamp":"2026-12-02T13:40:00Z","lastTimestamp":"2026-12-02T13:44:00Z","count":3,"type":"Normal"}"#,
            #"{"metadata":{"name":"web.17f0b","namespace":"demo"},"involvedObject":{"kind":"Deployment","name":"web"},"reason":"ScalingReplicaSet","message":"Scaled up replica set web-7e7d to 3","reportingComponent":"deployment-controller","eventTime":"2026-12-02T13:43:00.123456Z","type":"Normal"}"#,
        ])
        #expect(columns(t) == ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"])
        #expect(wideColumns(t) == ["Subobject", "Source", "First Seen", "Count", "Name"])
        #expect(cells(t, row: 0) == ["60s", "Normal", "Pulling", "pod/web-7e7d-2cf9t", "spec.containers{web}", "kubelet, node-1", "Pulling image \"web:1\"", "5m", 3, "web-7e7d-2cf9t.17f0a"])
        #expect(cells(t, row: 1) == ["119s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller", "Scaled up replica set web-7e7d to 3", "119s", 1, "web.17f0b"])
        let nameColumn = try #require(t["columnDefinitions"]?.array?.last?.object)
        #expect(nameColumn["format"] == "name")
    }

    @Test func eventSeries() throws {
        let t = try table("events", [#"{"metadata":{"name":"e","namespace":"demo"},"involvedObject":{"kind":"Pod","name":"p"},"eventTime":"2026-12-02T13:30:00.000000Z","series":{"count":7,"lastObservedTime":"2026-12-02T13:44:50.000000Z"},"type":"Warning","reason":"BackOff","message":"Back-off restarting failed container"}"#])
        #expect(cell(t, "Last Seen") == "10s")
        #expect(cell(t, "First Seen") == "15m")
        #expect(cell(t, "Count") == 7)
    }
}

@Suite struct StorageTableTests {
    @Test func boundPersistentVolumeClaim() throws {
        let t = try table("persistentvolumeclaims", [#"{"metadata":{"name":"shared","namespace":"demo","creationTimestamp":"2026-12-02T13:25:00Z"},"spec":{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard","volumeMode":"Filesystem","volumeName":"pvc-3f2a"},"status":{"phase":"Bound","accessModes":["ReadWriteMany","ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}"#])
        #expect(columns(t) == ["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode"])
        #expect(wideColumns(t) == ["VolumeMode"])
        #expect(cells(t) == ["shared", "Bound", "pvc-3f2a", "1Gi", "RWO,RWX", "standard", "<unset>", "20m", "Filesystem"])
    }

    @Test func pendingPersistentVolumeClaim() throws {
        let t = try table("persistentvolumeclaims", [#"{"metadata":{"name":"data","namespace":"demo","creationTimestamp":"2026-12-02T13:25:00Z","annotations":{"volume.beta.kubernetes.io/storage-class":"fast"}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"5Gi"}},"storageClassName":"standard"},"status":{"phase":"Pending"}}"#])
        #expect(cells(t) == ["data", "Pending", "", "", "", "fast", "<unset>", "20m", "<unset>"])
    }

    @Test func defaultStorageClass() throws {
        let t = try table("storageclasses", [
            #"{"metadata":{"name":"standard","uid":"s1","creationTimestamp":"2026-11-02T13:45:00Z","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"rancher.io/local-path","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"}"#,
            #"{"metadata":{"name":"fast","creationTimestamp":"2026-12-02T13:45:00Z"},"provisioner":"csi.example.com","allowVolumeExpansion":true}"#,
        ])
        #expect(columns(t) == ["Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"])
        #expect(wideColumns(t) == [])
        #expect(cells(t, row: 0) == ["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false, "30d"])
        #expect(cells(t, row: 1) == ["fast", "csi.example.com", "Delete", "Immediate", true, "0s"])
        #expect(rowMetadata(t)?["name"] == "standard")
    }
}

@Suite struct TimestampTests {
    @Test func parsesKubernetesTimestamps() throws {
        #expect(Tables.RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(Tables.RFC3339.parse("2026-12-02T13:45:00Z") == now)
        #expect(Tables.RFC3339.parse("2026-12-02T14:45:00+01:00") == now)
        let micro = try #require(Tables.RFC3339.parse("2026-12-02T13:45:00.250000Z"))
        #expect(abs(micro.timeIntervalSince(now) - 0.25) < 1e-6)
        #expect(Tables.RFC3339.parse("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(Tables.RFC3339.parse("not a time") == nil)
        #expect(Tables.RFC3339.parse("2026-12-02 13:45:00Z") == nil)
        #expect(Tables.RFC3339.parse("2026-12-02T13:45:00") == nil)
    }
}
