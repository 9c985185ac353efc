import Blueprint
import Cluster
import Foundation
import Testing
@testable import KubeAPI

private func j(_ text: String) throws -> JSONValue { try JSONParser().parse(text).root }
private func w(_ value: JSONValue) -> String { JSONWriter(pretty: false).write(value) }

@Suite struct MergePatchTests {
    // RFC 7386 appendix A.
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func rfc7386(target: String, patch: String, expected: String) throws {
        #expect(w(Patch.merge(try j(target), try j(patch))) == expected)
    }

    @Test func scaleBody() throws {
        let out = Patch.merge(try j(#"{"kind":"Scale","spec":{"replicas":1},"status":{"replicas":1}}"#), try j(#"{"spec":{"replicas":3}}"#))
        #expect(w(out) == #"{"kind":"Scale","spec":{"replicas":3},"status":{"replicas":1}}"#)
    }
}

@Suite struct JSONPatchTests {
    // RFC 6902 appendix A (A.1–A.16).
    @Test(arguments: [
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        (#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#, #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#, #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        (#"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, #"{"foo":["all","cows","eat","grass"]}"#),
        (#"{"baz":"qux","foo":["a",2,"c"]}"#, #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#, #"{"baz":"qux","foo":["a",2,"c"]}"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, #"{"foo":"bar","child":{"grandchild":{}}}"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
        (#"{"a":1}"#, #"[{"op":"copy","from":"/a","path":"/b"},{"op":"test","path":"/b","value":1.0}]"#, #"{"a":1,"b":1}"#),
        (#"{"a":{"b":1}}"#, #"[{"op":"replace","path":"","value":[1]}]"#, #"[1]"#),
        (#"{"spec":{"ports":[{"port":80,"nodePort":30080}]}}"#, #"[{"op":"replace","path":"/spec/ports/0/nodePort","value":30100}]"#, #"{"spec":{"ports":[{"port":80,"nodePort":30100}]}}"#),
    ])
    func rfc6902(target: String, ops: String, expected: String) throws {
        #expect(w(try Patch.json(try j(target), try j(ops))) == expected)
    }

    @Test(arguments: [
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, "operation 0 (test) at path \"/baz\""),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, "operation 0 (add) at path \"/baz/bat\""),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, "test failed"),
        (#"{"a":1}"#, #"[{"op":"test","path":"/a","value":1},{"op":"remove","path":"/b"}]"#, "operation 1 (remove) at path \"/b\""),
        (#"{"a":[1]}"#, #"[{"op":"add","path":"/a/2","value":1}]"#, "out of range"),
        (#"{"a":[1]}"#, #"[{"op":"add","path":"/a/01","value":1}]"#, "not an array index"),
        (#"{"a":{}}"#, #"[{"op":"move","from":"/a","path":"/a/b"}]"#, "own children"),
        (#"{"a":1}"#, #"[{"op":"frob","path":"/a"}]"#, "unknown operation"),
        (#"{"a":1}"#, #"[{"op":"add","path":"/b"}]"#, "missing \"value\""),
        (#"{"a":1}"#, #"[{"op":"add","path":"a","value":1}]"#, "start with"),
        (#"{"a":1}"#, #"[{"op":"test","path":"/~2","value":1}]"#, "followed by 0 or 1"),
        (#"{"a":1}"#, #"{"op":"add"}"#, "array of operations"),
    ])
    func failures(target: String, ops: String, fragment: String) throws {
        let error = #expect(throws: PatchError.self) { try Patch.json(try j(target), try j(ops)) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }
}

@Suite struct StrategicMergeTests {
    let deployment = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old\n"},"finalizers":["a"]},"spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1","ports":[{"containerPort":80},{"containerPort":8061}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"busybox"}],"tolerations":[{"key":"x"}]}}}}"#

    func apply(_ patch: String, to target: String? = nil, kind: String = "Deployment") throws -> String {
        w(try Patch.strategicMerge(try j(target ?? deployment), try j(patch), kind: kind))
    }

    @Test func replicasWithLastApplied() throws {
        let out = try apply(#"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new\n"}},"spec":{"replicas":2}}"#)
        #expect(out.contains(#""annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new\n"}"#))
        #expect(out.contains(#""spec":{"replicas":2,"template""#))
    }

    @Test func containerImageMergesByName() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"side"}],"containers":[{"image":"nginx:2","name":"web"}]}}}}"#)
        #expect(out.contains(#""containers":[{"name":"web","image":"nginx:2","ports":[{"containerPort":80},{"containerPort":8061}]"#))
        #expect(out.contains(#"{"name":"side","image":"busybox"}"#))
        #expect(!out.contains("$"))
    }

    @Test func setElementOrderReorders() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"web"}],"containers":[{"name":"new","image":"x"}]}}}}"#)
        let names = try j(out)["spec"]?["template"]?["spec"]?["containers"]?.array?.compactMap { $0["name"]?.string }
        #expect(names == ["side", "web", "new"])
    }

    @Test func deletePortByContainerPort() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"side"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80}],"name":"web","ports":[{"$patch":"delete","containerPort":8061}]}]}}}}"#)
        #expect(out.contains(#""ports":[{"containerPort":80}]"#))
        #expect(!out.contains("8061") && !out.contains("$"))
    }

    @Test func envMergesByName() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}}}"#)
        #expect(out.contains(#""env":[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]"#))
    }

    @Test func tolerationsAndUnknownKindsReplace() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"tolerations":[{"key":"y"}]}}}}"#)
        #expect(out.contains(#""tolerations":[{"key":"y"}]"#))
        let widget = try apply(#"{"items":[{"name":"b"}]}"#, to: #"{"items":[{"name":"a"}]}"#, kind: "Widget")
        #expect(widget == #"{"items":[{"name":"b"}]}"#)
        let pod = try apply(#"{"spec":{"containers":[{"name":"b"}]}}"#, to: #"{"spec":{"containers":[{"name":"a"}]}}"#, kind: "Pod")
        #expect(pod == #"{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}"#)
    }

    @Test func servicePortsMergeByPort() throws {
        let svc = #"{"kind":"Service","spec":{"type":"NodePort","ports":[{"port":80,"targetPort":8080,"nodePort":30080},{"port":443}]}}"#
        let out = try apply(#"{"spec":{"$setElementOrder/ports":[{"port":80},{"port":9090}],"ports":[{"port":80,"targetPort":8081},{"port":9090},{"$patch":"delete","port":443}]}}"#, to: svc, kind: "Service")
        #expect(out == #"{"kind":"Service","spec":{"type":"NodePort","ports":[{"port":80,"targetPort":8081,"nodePort":30080},{"port":9090}]}}"#)
    }

    @Test func nullDeletesAndFinalizersUnion() throws {
        let out = try apply(#"{"metadata":{"finalizers":["b","a"]},"spec":{"replicas":null,"paused":true}}"#)
        #expect(out.contains(#""finalizers":["a","b"]"#))
        #expect(!out.contains("replicas"))
        #expect(out.contains(#""paused":true}"#))
    }

    @Test func patchReplaceAndRetainKeys() throws {
        let replaced = try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"only"},{"$patch":"replace"}]}}}}"#)
        #expect(replaced.contains(#""containers":[{"name":"only"}]"#))
        let map = try apply(#"{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}"#, to: #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#)
        #expect(map == #"{"spec":{"strategy":{"type":"Recreate"}}}"#)
        let retained = try apply(#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#, to: #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#)
        #expect(retained == #"{"spec":{"strategy":{"type":"Recreate"}}}"#)
        #expect(throws: PatchError.self) { try apply(#"{"spec":{"strategy":{"$retainKeys":["type"],"other":1}}}"#) }
        #expect(throws: PatchError.self) { try apply(#"{"spec":{"$patch":"frob"}}"#) }
        #expect(throws: PatchError.self) { try apply(#"{"spec":{"template":{"spec":{"containers":[{"image":"no-name"}]}}}}"#) }
    }

    @Test func deleteFromPrimitiveList() throws {
        let out = try apply(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"]}}"#)
        #expect(out.contains(#""finalizers":["c"]"#))
        #expect(!out.contains("$"))
    }
}

@Suite("identifiers")
struct IdentifierTests {
    @Test("hexadecimal digits are those of %016llx, and UIDs have the version-4 shape")
    func hex() throws {
        for v: UInt64 in [0, 1, 0xF, 0x10, 0xDEAD_BEEF, UInt64.max, UInt64.max >> 1, 0x0123_4567_89AB_CDEF] {
            #expect(APIState.hex16(v) == String(format: "%016llx", v))
        }
        let state = try APIState(config: PlaygroundConfig(scenario: ClusterScenario(nodes: [], images: [], pods: []), epoch: Date(timeIntervalSince1970: 0)))
        var seen = Set<String>()
        for _ in 0..<200 {
            let uid = state.newUID()
            #expect(uid.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(uid)")
            seen.insert(uid)
        }
        #expect(seen.count == 200)
    }
}

@Suite("namespace summaries read without the actor")
struct SummaryCacheTests {
    @Test("a summary is reused only while nothing in its namespace changed and virtual time stood still")
    func currentness() async throws {
        let t = try TestPlayground()
        let p = t.playground
        await t.namespace("a")
        await t.namespace("b")
        await t.create("/apis/apps/v1/namespaces/a/deployments", TestPlayground.deployment("web", replicas: 2))
        await t.settle()
        #expect(p.currentSummary(namespace: "a") == nil, "never read yet")
        let first = await p.summary(namespace: "a")
        #expect(first.ready && first.pods.count == 2)
        #expect(p.currentSummary(namespace: "a") == first)
        // A change in another namespace leaves it current.
        await t.create("/apis/apps/v1/namespaces/b/deployments", TestPlayground.deployment("other"))
        #expect(p.currentSummary(namespace: "a") == first)
        // A change in the namespace does not.
        await t.request("PATCH", "/apis/apps/v1/namespaces/a/deployments/web", #"{"spec":{"replicas":3}}"#,
                        contentType: "application/merge-patch+json")
        #expect(p.currentSummary(namespace: "a") == nil)
        let scaled = await p.summary(namespace: "a")
        #expect(scaled.deployments.first?.replicas == 3 && scaled != first)
        #expect(p.currentSummary(namespace: "a") == scaled)
        // Virtual time moving on makes it stale too (its time and pods' states may differ).
        await p.advance(by: 1)
        #expect(p.currentSummary(namespace: "a") == nil)
        // What the cache answers is what the actor would: read again at the same instant.
        let again = await p.summary(namespace: "a")
        #expect(p.currentSummary(namespace: "a") == again)
        #expect(await p.readSummaryForTests(namespace: "a") == again)
        // Advancing through the HTTP endpoint publishes the move as well.
        _ = await p.summary(namespace: "a")
        #expect(p.currentSummary(namespace: "a") != nil)
        #expect(await t.request("POST", "/playground/v1/advance", query: ["by": "1s"]).status == 200)
        #expect(p.currentSummary(namespace: "a") == nil)
        // An empty namespace: deleted, it has no entry and a missing one is never kept; made
        // again, it is not mistaken for the old one.
        await t.namespace("empty")
        let empty = await p.summary(namespace: "empty")
        #expect(empty.exists && p.currentSummary(namespace: "empty") == empty)
        await t.request("DELETE", "/api/v1/namespaces/empty")
        await t.settle()
        #expect(p.currentSummary(namespace: "empty") == nil)
        #expect(await p.summary(namespace: "empty").exists == false)
        #expect(p.currentSummary(namespace: "empty") == nil, "a missing namespace's summary is not kept")
        await t.namespace("empty")
        #expect(p.currentSummary(namespace: "empty") == nil)
        #expect(await p.summary(namespace: "empty").exists)
    }
}
