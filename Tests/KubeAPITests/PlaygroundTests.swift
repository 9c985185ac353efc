import Blueprint
import Foundation
@testable import KubeAPI
import Testing

@Suite struct DiscoveryTests {
    @Test func versionAndDiscovery() async throws {
        let pg = try TestPlayground()
        #expect(await pg.get("/version")["minor"]?.string == "32")
        #expect(await pg.get("/api")["versions"]?.array == ["v1"])
        let core = await pg.get("/api/v1")["resources"]?.array ?? []
        let pods = core.first { $0["name"]?.string == "pods" }
        #expect(pods?["shortNames"]?.array == ["po"])
        #expect(pods?["verbs"]?.array?.contains("watch") == true)
        #expect(pods?["categories"]?.array == ["all"])
        let groups = (await pg.get("/apis")["groups"]?.array ?? []).compactMap { $0["name"]?.string }
        #expect(groups.contains("apps") && groups.contains("metrics.k8s.io") && groups.contains("autoscaling"))
        let apps = await pg.get("/apis/apps/v1")["resources"]?.array ?? []
        #expect(apps.contains { $0["name"]?.string == "deployments" && $0["shortNames"]?.array == ["deploy"] })
    }

    @Test func openAPIDeclaresFieldValidationForEveryKind() async throws {
        let pg = try TestPlayground()
        let root = await pg.get("/openapi/v3")
        #expect(root.at("paths", "apis/apps/v1", "serverRelativeURL")?.string == "/openapi/v3/apis/apps/v1")
        let doc = await pg.get("/openapi/v3/apis/apps/v1")
        let op = doc.at("paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch")
        #expect(op?.at("x-kubernetes-group-version-kind", "kind")?.string == "Deployment")
        #expect(op?["parameters"]?.array?.contains { $0["name"]?.string == "fieldValidation" } == true)
        let core = await pg.get("/openapi/v3/api/v1")
        for kind in ["Namespace", "Service", "PersistentVolumeClaim", "Pod"] {
            let found = (core["paths"]?.object?.members ?? []).contains { $0.value.at("patch", "x-kubernetes-group-version-kind", "kind")?.string == kind }
            #expect(found, "no patch operation for \(kind)")
        }
        // v2 is a protobuf document with no definitions (kubectl then reports unknown kinds itself).
        let v2 = await pg.playground.handle(APIRequest(method: "GET", path: "/openapi/v2"))
        guard case .response(let r) = v2 else { Issue.record("no response"); return }
        #expect(r.status == 200)
        #expect(r.contentType == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
        #expect(r.body.hasPrefix("\n\u{3}2.0"))
    }

    @Test func unknownPathsAreRefusedAsARealServerDoes() async throws {
        let pg = try TestPlayground()
        let r = await pg.request("GET", "/apis/example.com/v1/namespaces/default/widgets")
        #expect(r.status == 404)
        #expect(r.json["kind"]?.string == "Status")
        #expect(r.json["message"]?.string == "the server could not find the requested resource")
        let missing = await pg.request("GET", "/apis/apps/v1/namespaces/default/deployments/web")
        #expect(missing.status == 404)
        #expect(missing.json["reason"]?.string == "NotFound")
        #expect(missing.json["message"]?.string == #"deployments.apps "web" not found"#)
        #expect(await pg.request("GET", "/api/v1/namespaces/nowhere").json["message"]?.string == #"namespaces "nowhere" not found"#)
    }
}

@Suite struct ControllerTests {
    @Test func aDeploymentRollsOutThroughReplicaSetToReadyPods() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 3))
        // Right after the create: pods exist, none ready (the image is still to pull).
        let early = await pg.pods("demo")
        #expect(early.count == 3)
        #expect(await pg.readyPods("demo").isEmpty)
        await pg.settle()
        let pods = await pg.readyPods("demo")
        #expect(pods.count == 3)
        let rs = await pg.items("/apis/apps/v1/namespaces/demo/replicasets")
        #expect(rs.count == 1)
        let rsName = rs.first?.at("metadata", "name")?.string ?? ""
        let hash = rs.first?.at("metadata", "labels", "pod-template-hash")?.string ?? ""
        #expect(rsName == "web-\(hash)" && !hash.isEmpty)
        for pod in pods {
            let name = pod.at("metadata", "name")?.string ?? ""
            #expect(name.hasPrefix(rsName + "-") && name.count == rsName.count + 6)
            #expect(pod.at("status", "phase")?.string == "Running")
            #expect(pod.at("spec", "nodeName")?.string?.hasPrefix("node-") == true)
            #expect(pod.at("status", "containerStatuses")?.array?.first?.at("state", "running") != nil)
            #expect(pod.at("metadata", "ownerReferences")?.array?.first?["kind"]?.string == "ReplicaSet")
        }
        let d = await pg.get("/apis/apps/v1/namespaces/demo/deployments/web")
        #expect(d.at("status", "availableReplicas")?.int == 3)
        #expect(d.at("status", "updatedReplicas")?.int == 3)
        #expect(d.at("status", "observedGeneration")?.int == d.at("metadata", "generation")?.int)
        let reasons = Set(await pg.events("demo").compactMap { $0["reason"]?.string })
        for reason in ["ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Pulling", "Pulled", "Created", "Started"] {
            #expect(reasons.contains(reason), "no \(reason) event")
        }
    }

    @Test func aCachedImageIsNotPulledAgain() async throws {
        let pg = try TestPlayground(nodes: 1)
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("a"))
        await pg.settle()
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("b"))
        await pg.settle()
        let pulled = await pg.events("demo").filter { $0["reason"]?.string == "Pulled" }.compactMap { $0["message"]?.string }
        #expect(pulled.filter { $0.hasPrefix("Successfully pulled") }.count == 1)
        #expect(pulled.filter { $0.contains("already present on machine") }.count == 1)
    }

    @Test func scalingUpAndDownThroughTheScaleSubresource() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web"))
        await pg.settle()
        let up = await pg.request("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale", #"{"spec":{"replicas":4}}"#,
                                  contentType: "application/merge-patch+json")
        #expect(up.status == 200)
        #expect(up.json["kind"]?.string == "Scale")
        #expect(up.json.at("status", "selector")?.string == "app=web")
        await pg.settle()
        #expect(await pg.readyPods("demo").count == 4)
        #expect(await pg.get("/apis/apps/v1/namespaces/demo/deployments/web").at("metadata", "generation")?.int == 2)
        await pg.request("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale", #"{"spec":{"replicas":1}}"#,
                         contentType: "application/merge-patch+json")
        // Terminating pods stay listed until their grace period is over.
        #expect(await pg.pods("demo").filter { $0.at("metadata", "deletionTimestamp") != nil }.count == 3)
        await pg.settle()
        #expect(await pg.pods("demo").count == 1)
        #expect(await pg.events("demo").contains { $0["reason"]?.string == "Killing" })
    }

    @Test func aTemplateChangeRollsWithinSurgeAndUnavailability() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 4))
        await pg.settle()
        let put = await pg.request("PUT", "/apis/apps/v1/namespaces/demo/deployments/web",
                                   TestPlayground.deployment("web", replicas: 4, image: "registry.example/app:2"))
        #expect(put.status == 200, "\(put.body)")
        // maxSurge 25 % of 4 = 1, maxUnavailable 25 % = 1: never more than 5 pods, never fewer than 3 ready.
        var sawBoth = false
        for _ in 0..<400 {
            await pg.playground.advance(by: 0.25)
            let pods = await pg.pods("demo").filter { $0.at("metadata", "deletionTimestamp") == nil }
            #expect(pods.count <= 5)
            #expect(await pg.readyPods("demo").count >= 3)
            let images = Set(pods.compactMap { $0.at("spec", "containers")?.array?.first?["image"]?.string })
            if images.count == 2 { sawBoth = true }
            let d = await pg.get("/apis/apps/v1/namespaces/demo/deployments/web")
            if d.at("status", "updatedReplicas")?.int == 4, d.at("status", "availableReplicas")?.int == 4, d.at("status", "replicas")?.int == 4 { break }
        }
        #expect(sawBoth)
        await pg.settle()
        let pods = await pg.readyPods("demo")
        #expect(pods.count == 4)
        #expect(pods.allSatisfy { $0.at("spec", "containers")?.array?.first?["image"]?.string == "registry.example/app:2" })
        let sets = await pg.items("/apis/apps/v1/namespaces/demo/replicasets")
        #expect(sets.count == 2)
        #expect(sets.map { $0.at("spec", "replicas")?.int ?? -1 }.sorted() == [0, 4])
    }

    @Test func aPodThatFitsNowhereStaysPendingWithTheReason() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("huge", cpu: "64"))
        await pg.settle()
        let pods = await pg.pods("demo")
        #expect(pods.count == 1)
        #expect(pods.first?.at("status", "phase")?.string == "Pending")
        let failed = await pg.events("demo").first { $0["reason"]?.string == "FailedScheduling" }
        #expect(failed?["type"]?.string == "Warning")
        #expect(failed?["message"]?.string?.contains("Insufficient cpu") == true, "\(failed?["message"]?.string ?? "")")
    }

    @Test func servicesGetUniqueNodePortsAndEndpointsOfReadyPods() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        var ports: Set<Int> = []
        for i in 0..<40 {
            let r = await pg.create("/api/v1/namespaces/demo/services",
                                    #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s\#(i)"},"spec":{"type":"NodePort","selector":{"app":"web"},"ports":[{"name":"a","port":8061},{"name":"b","port":8062}]}}"#)
            for p in r.json.at("spec", "ports")?.array ?? [] {
                let port = p["nodePort"]?.int ?? 0
                #expect((30000...32767).contains(port))
                #expect(ports.insert(port).inserted, "node port \(port) given twice")
                #expect(p["protocol"]?.string == "TCP")
                #expect(p["targetPort"]?.int == p["port"]?.int)
            }
            #expect(r.json.at("spec", "clusterIP")?.string?.hasPrefix("10.96.") == true)
        }
        let taken = ports.sorted().first ?? 0
        let clash = await pg.request("POST", "/api/v1/namespaces/demo/services",
                                     #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"clash"},"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":\#(taken)}]}}"#)
        #expect(clash.status == 422)
        #expect(clash.json["message"]?.string?.contains("provided port is already allocated") == true)
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 2))
        await pg.settle()
        let endpoints = await pg.get("/api/v1/namespaces/demo/endpoints/s0")
        let addresses = endpoints["subsets"]?.array?.first?["addresses"]?.array ?? []
        let podIPs = Set(await pg.readyPods("demo").compactMap { $0.at("status", "podIP")?.string })
        #expect(Set(addresses.compactMap { $0["ip"]?.string }) == podIPs)
        #expect(podIPs.count == 2)
        #expect(endpoints["subsets"]?.array?.first?["ports"]?.array?.count == 2)
    }

    @Test func claimsBindToTheDefaultClassAndReadWriteOncePinsItsPods() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/api/v1/namespaces/demo/persistentvolumeclaims",
                        #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"shared"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"5Gi"}}}}"#)
        let claim = await pg.get("/api/v1/namespaces/demo/persistentvolumeclaims/shared")
        #expect(claim.at("status", "phase")?.string == "Bound")
        #expect(claim.at("spec", "storageClassName")?.string == "standard")
        #expect(claim.at("status", "capacity", "storage")?.string == "5Gi")
        let volumes = #","volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"shared"}}]"#
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("a", replicas: 2, volumes: volumes))
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("b", replicas: 2, volumes: volumes))
        await pg.settle()
        let pods = await pg.readyPods("demo")
        #expect(pods.count == 4)
        #expect(Set(pods.compactMap { $0.at("spec", "nodeName")?.string }).count == 1)
    }

    @Test func anUnbindableClaimLeavesItsPodsPendingWithAnEvent() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/api/v1/namespaces/demo/persistentvolumeclaims",
                        #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"fast"},"spec":{"storageClassName":"nvme","accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"1Gi"}}}}"#)
        let volumes = #","volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"fast"}}]"#
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("a", volumes: volumes))
        await pg.settle()
        #expect(await pg.get("/api/v1/namespaces/demo/persistentvolumeclaims/fast").at("status", "phase")?.string == "Pending")
        let events = await pg.events("demo")
        #expect(events.contains { $0["reason"]?.string == "ProvisioningFailed" && $0["message"]?.string?.contains("\"nvme\" not found") == true })
        #expect(events.contains { $0["reason"]?.string == "FailedScheduling" && $0["message"]?.string?.contains("unbound immediate PersistentVolumeClaims") == true })
        #expect(await pg.pods("demo").first?.at("status", "phase")?.string == "Pending")
        // The class appears: the claim binds and the pod starts.
        await pg.create("/apis/storage.k8s.io/v1/storageclasses",
                        #"{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"nvme"},"provisioner":"x"}"#)
        await pg.request("PATCH", "/api/v1/namespaces/demo/persistentvolumeclaims/fast", #"{"metadata":{"labels":{"retry":"1"}}}"#,
                         contentType: "application/merge-patch+json")
        await pg.settle()
        #expect(await pg.readyPods("demo").count == 1)
    }

    @Test func deletingANamespaceTerminatesItThenRemovesIt() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 2))
        await pg.settle()
        let r = await pg.request("DELETE", "/api/v1/namespaces/demo", #"{"propagationPolicy":"Background"}"#)
        #expect(r.status == 200)
        #expect(r.json.at("status", "phase")?.string == "Terminating")
        let refused = await pg.request("POST", "/api/v1/namespaces/demo/services",
                                       #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"late"},"spec":{"ports":[{"port":80}]}}"#)
        #expect(refused.status == 403)
        #expect(refused.json["message"]?.string?.contains("because it is being terminated") == true)
        await pg.settle()
        #expect(await pg.request("GET", "/api/v1/namespaces/demo").status == 404)
        #expect(await pg.items("/api/v1/pods").isEmpty)
        #expect(await pg.items("/apis/apps/v1/replicasets").isEmpty)
    }

    @Test func namespacesStayApart() async throws {
        let pg = try TestPlayground()
        await pg.namespace("one")
        await pg.namespace("two")
        await pg.create("/apis/apps/v1/namespaces/one/deployments", TestPlayground.deployment("web"))
        await pg.create("/apis/apps/v1/namespaces/two/deployments", TestPlayground.deployment("web", replicas: 2))
        await pg.settle()
        #expect(await pg.readyPods("one").count == 1)
        #expect(await pg.readyPods("two").count == 2)
        await pg.request("DELETE", "/api/v1/namespaces/one")
        await pg.settle()
        #expect(await pg.readyPods("two").count == 2)
        #expect(await pg.items("/api/v1/pods").count == 2)
    }

    @Test func theHPAKeepsReplicasWithinItsBounds() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web"))
        await pg.create("/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers",
                        #"{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":3,"maxReplicas":6,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}]}}"#)
        await pg.playground.advance(by: 60)
        await pg.settle()
        #expect(await pg.readyPods("demo").count == 3)
        let hpa = await pg.get("/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/web")
        #expect(hpa.at("status", "desiredReplicas")?.int == 3)
        #expect(await pg.events("demo").contains { $0["reason"]?.string == "SuccessfulRescale" && $0["message"]?.string?.hasPrefix("New size: 3") == true })
    }
}

@Suite struct RequestTests {
    @Test func badRequestsGetStatusErrors() async throws {
        let pg = try TestPlayground()
        let bad = await pg.request("POST", "/api/v1/namespaces", "{not json")
        #expect(bad.status == 400)
        #expect(bad.json["reason"]?.string == "BadRequest")
        let badName = await pg.request("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"Bad_Name"}}"#)
        #expect(badName.status == 422)
        #expect(badName.json["message"]?.string?.contains("metadata.name: Invalid value: \"Bad_Name\"") == true)
        await pg.namespace("demo")
        let again = await pg.request("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}"#)
        #expect(again.status == 409)
        #expect(again.json["reason"]?.string == "AlreadyExists")
        let nowhere = await pg.request("POST", "/apis/apps/v1/namespaces/nowhere/deployments", TestPlayground.deployment("web"))
        #expect(nowhere.status == 404)
        let mismatch = await pg.request("POST", "/apis/apps/v1/namespaces/demo/deployments",
                                        TestPlayground.deployment("web").replacingOccurrences(of: #""matchLabels":{"app":"web"}"#, with: #""matchLabels":{"app":"other"}"#))
        #expect(mismatch.status == 422)
        #expect(mismatch.json["message"]?.string?.contains("`selector` does not match template `labels`") == true)
    }

    @Test func fieldsThePlaygroundDoesNotSimulateAreStoredWithAWarning() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        let affinity = #""affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}}},"#
        let body = TestPlayground.deployment("web").replacingOccurrences(of: #""spec":{"containers""#, with: #""spec":{\#(affinity)"containers""#)
        let r = await pg.create("/apis/apps/v1/namespaces/demo/deployments", body)
        #expect(r.warnings.contains { $0.hasPrefix("spec.template.spec.affinity is stored but not simulated") }, "\(r.warnings)")
        #expect(r.json.at("spec", "template", "spec", "affinity", "nodeAffinity") != nil)
        let plain = await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("plain"))
        #expect(plain.warnings.isEmpty, "\(plain.warnings)")
        let lb = await pg.create("/api/v1/namespaces/demo/services",
                                 #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}"#)
        #expect(lb.warnings.contains { $0.contains("LoadBalancer") })
    }

    @Test func tablesAreServedWhenKubectlAsksForThem() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 2))
        await pg.settle()
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        let table = await pg.request("GET", "/api/v1/namespaces/demo/pods", accept: accept).json
        #expect(table["kind"]?.string == "Table")
        let columns = (table["columnDefinitions"]?.array ?? []).compactMap { $0["name"]?.string }
        #expect(columns.prefix(5) == ["Name", "Ready", "Status", "Restarts", "Age"])
        let rows = table["rows"]?.array ?? []
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0["cells"]?.array?[1] == "1/1" && $0["cells"]?.array?[2] == "Running" })
        let one = await pg.request("GET", "/apis/apps/v1/namespaces/demo/deployments/web", accept: accept).json
        #expect(one["rows"]?.array?.first?["cells"]?.array?[1] == "2/2")
    }

    @Test func selectorsFilterLists() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("a"))
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("b", replicas: 2))
        await pg.settle()
        #expect(await pg.items("/api/v1/namespaces/demo/pods", query: ["labelSelector": "app=b"]).count == 2)
        #expect(await pg.items("/api/v1/namespaces/demo/pods", query: ["labelSelector": "app in (a,b)"]).count == 3)
        #expect(await pg.items("/api/v1/namespaces/demo/pods", query: ["labelSelector": "app!=b"]).count == 1)
        #expect(await pg.items("/apis/apps/v1/namespaces/demo/deployments", query: ["fieldSelector": "metadata.name=a"]).count == 1)
        let pod = await pg.pods("demo").first
        let uid = pod?.at("metadata", "uid")?.string ?? ""
        let name = pod?.at("metadata", "name")?.string ?? ""
        let selected = await pg.items("/api/v1/namespaces/demo/events",
                                      query: ["fieldSelector": "involvedObject.uid=\(uid),involvedObject.name=\(name),involvedObject.namespace=demo"])
        #expect(!selected.isEmpty)
        #expect(selected.allSatisfy { $0.at("involvedObject", "uid")?.string == uid })
        #expect(await pg.request("GET", "/api/v1/pods", query: ["labelSelector": "app in a"]).status == 400)
    }

    @Test func watchesReplayChangesInResourceVersionOrder() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        let rv = await pg.get("/apis/apps/v1/namespaces/demo/deployments")["metadata"]?["resourceVersion"]?.string ?? ""
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web"))
        await pg.settle()
        let watch = await pg.request("GET", "/apis/apps/v1/namespaces/demo/deployments",
                                     query: ["watch": "true", "resourceVersion": rv, "fieldSelector": "metadata.name=web"])
        let events = watch.body.split(separator: "\n").compactMap { try? JSONParser(recordsPositions: false).parse(String($0)).root }
        #expect(events.first?["type"]?.string == "ADDED")
        #expect(events.count >= 3)
        let versions = events.compactMap { Int($0.at("object", "metadata", "resourceVersion")?.string ?? "") }
        #expect(versions == versions.sorted() && versions.count == events.count)
        #expect(events.last?.at("object", "status", "availableReplicas")?.int == 1)
        // Without a resourceVersion: the current objects, as ADDED.
        let fresh = await pg.request("GET", "/apis/apps/v1/namespaces/demo/deployments", query: ["watch": "1"])
        #expect(fresh.body.split(separator: "\n").count == 1)
        #expect(fresh.body.hasPrefix(#"{"type":"ADDED""#))
    }

    @Test func watchesSendTableRowsWhenKubectlGetWatchAsksForThem() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        let rv = await pg.get("/api/v1/namespaces/demo/pods")["metadata"]?["resourceVersion"]?.string ?? ""
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web"))
        await pg.settle()
        let watch = await pg.request("GET", "/api/v1/namespaces/demo/pods", query: ["watch": "true", "resourceVersion": rv],
                                     accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        let events = watch.body.split(separator: "\n").compactMap { try? JSONParser(recordsPositions: false).parse(String($0)).root }
        #expect(events.count >= 3)
        #expect(events.allSatisfy { $0.at("object", "kind")?.string == "Table" && $0.at("object", "rows")?.array?.count == 1 })
        let statuses = events.compactMap { $0.at("object", "rows")?.array?.first?["cells"]?.array?[2].string }
        #expect(statuses.first == "Pending")
        #expect(statuses.last == "Running")
    }

    @Test func protobufBodiesOtherThanANamespaceAreRefusedClearly() async throws {
        let pg = try TestPlayground()
        // runtime.Unknown{TypeMeta{apiVersion "apps/v1", kind "Deployment"}, raw: ObjectMeta{name "web"}}
        let typeMeta: [UInt8] = [0x0A, 7] + Array("apps/v1".utf8) + [0x12, 10] + Array("Deployment".utf8)
        let raw: [UInt8] = [0x0A, 5, 0x0A, 3] + Array("web".utf8)
        let body: [UInt8] = Array("k8s".utf8) + [0, 0x0A, UInt8(typeMeta.count)] + typeMeta + [0x12, UInt8(raw.count)] + raw
        let r = await pg.playground.handle(APIRequest(method: "POST", path: "/apis/apps/v1/namespaces/default/deployments",
                                                      contentType: "application/vnd.kubernetes.protobuf", body: body))
        guard case .response(let response) = r else { Issue.record("no response"); return }
        #expect(response.status == 415)
        #expect(response.body.contains("use kubectl apply -f"))
    }

    @Test func metricsAndTopFollowTheSimulation() async throws {
        let pg = try TestPlayground()
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 3))
        await pg.settle()
        let text = await pg.playground.metricsText()
        #expect(text.contains("# TYPE kubelet_pod_start_sli_duration_seconds histogram"))
        #expect(text.contains("kubelet_pod_start_total_duration_seconds_count 3"))
        #expect(text.contains("kubelet_image_pull_duration_seconds_count"))
        #expect(text.contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 3"))
        let nodes = await pg.items("/apis/metrics.k8s.io/v1beta1/nodes")
        #expect(nodes.count == 4)
        let pods = await pg.items("/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods")
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0["containers"]?.array?.first?.at("usage", "memory")?.string == "262144Ki" })
        let pod = await pg.pods("demo").first?.at("metadata", "name")?.string ?? ""
        let log = await pg.request("GET", "/api/v1/namespaces/demo/pods/\(pod)/log")
        #expect(log.body.contains("scheduled on node-"))
        #expect(log.body.contains("ready"))
    }

    @Test func aRecordedSessionReplaysToTheSameState() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubeprint-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("session.jsonl").path
        let recorder = try SessionRecorder(path: path, cluster: nil)
        let pg = try TestPlayground(record: recorder)
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 2))
        await pg.playground.advance(by: 3)
        await pg.request("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale", #"{"spec":{"replicas":3}}"#,
                         contentType: "application/merge-patch+json")
        await pg.settle()
        await pg.create("/api/v1/namespaces/demo/services",
                        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"type":"NodePort","selector":{"app":"web"},"ports":[{"port":8061}]}}"#)
        await pg.playground.advance(by: 10)
        await pg.playground.finish()
        let original = await pg.playground.stateDump()
        let session = try Session.read(path: path)
        let replayed = try await session.replay(config: TestPlayground.config())
        #expect(replayed == original)
        #expect(original.contains("\"resource\":\"pods\""))
    }
}
