import Simulation
import Testing

@testable import KubeAPI

@Suite struct ControllerRateTests {
    @Test func theBucketGivesItsBurstThenItsRate() {
        var bucket = ClientRateLimit(rate: 20, burst: 30)
        #expect(bucket.take(100, at: .zero) == 30)
        #expect(bucket.take(1, at: .zero) == 0)
        // 20 tokens per second: one every 50 ms, the next one whole exactly then.
        #expect(bucket.nextToken(after: .zero) == .milliseconds(50))
        #expect(bucket.take(100, at: .milliseconds(49)) == 0)
        #expect(bucket.take(100, at: .milliseconds(50)) == 1)
        #expect(bucket.take(100, at: .seconds(1.05)) == 20)
        // Idle time fills it up to the burst, no further.
        #expect(bucket.take(100, at: .seconds(60)) == 30)
        var free = ClientRateLimit(rate: 0, burst: 30)
        #expect(free.take(10_000, at: .zero) == 10_000)
        #expect(free.nextToken(after: .zero) == nil)
    }

    static func playground(qps: Double) throws -> TestPlayground {
        var config = TestPlayground.config(nodes: 20)
        config.controllerQPS = qps
        config.controllerBurst = 30
        return try TestPlayground(config: config)
    }

    @Test func theReplicaSetControllerCreatesAndDeletesAtItsClientsRate() async throws {
        let pg = try Self.playground(qps: 20)
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 100, cpu: "100m"))
        // The burst at once, then 20 a second, as kube-controller-manager's client allows.
        #expect(await pg.pods("demo").count == 30)
        await pg.playground.advance(by: 1)
        #expect(await pg.pods("demo").count == 50)
        await pg.playground.advance(by: 2.45)
        #expect(await pg.pods("demo").count == 99)
        await pg.settle()
        #expect(await pg.readyPods("demo").count == 100)
        let created = await pg.events("demo").filter { $0["reason"]?.string == "SuccessfulCreate" }
        #expect(created.count == 100)
        // Scaling down deletes at the same pace (the bucket is full again after the rollout).
        await pg.request("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale", #"{"spec":{"replicas":0}}"#,
                         contentType: "application/merge-patch+json")
        #expect(await pg.pods("demo").filter { $0.at("metadata", "deletionTimestamp") != nil }.count == 30)
        await pg.settle()
        #expect(await pg.pods("demo").isEmpty)
    }

    @Test func withoutALimitEveryPodIsCreatedAtOnce() async throws {
        let pg = try Self.playground(qps: 0)
        await pg.namespace("demo")
        await pg.create("/apis/apps/v1/namespaces/demo/deployments", TestPlayground.deployment("web", replicas: 100, cpu: "100m"))
        #expect(await pg.pods("demo").count == 100)
        await pg.settle()
        #expect(await pg.readyPods("demo").count == 100)
    }
}
