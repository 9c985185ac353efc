import Simulation

/// Built-in function profiles modelled on the Raith21 AI functions of faas-sim
/// (`ext/raith21`): per-architecture image sizes and execution times per device type.
///
/// Image sizes follow faas-sim's `images.py` where the reference gives them (resnet50
/// inference CPU 2000 MB x86 / 840 MB arm64 / 700 MB arm; preprocessing 4100 MB x86). Execution
/// times are lognormal, truncated, and ordered as the devices' speed suggests (GPU < Xeon <
/// NUC < Jetson < Raspberry Pi); they are illustrative, not faas-sim's fitted values.
public enum FunctionCatalogue {
    public struct Profile: Sendable {
        public var function: FunctionSpec
        public var images: [ImageSpec]
    }

    static func lognormal(_ median: Double, _ sigma: Double = 0.25) -> Distribution {
        .lognormal(median: median, sigma: sigma, min: median * 0.5, max: median * 3)
    }

    static func image(_ name: String, x86: Int64?, arm64: Int64?, arm: Int64?) -> ImageSpec {
        var sizes: [Architecture: Int64] = [:]
        if let x86 { sizes[.x86_64] = x86 * Units.MB }
        if let arm64 { sizes[.aarch64] = arm64 * Units.MB }
        if let arm { sizes[.arm32] = arm * Units.MB }
        return .single(name, sizes: sizes)
    }

    static func function(_ name: String, images: [FunctionImage], times: [String: Distribution], fallback: Distribution,
                         setup: Double, memory: Int64) -> FunctionSpec
    {
        FunctionSpec(name: name, images: images, behaviour: .httpWatchdog(workers: 4), executionTime: times, defaultExecutionTime: fallback,
                     cpuPerInvocation: 1000, memoryLimit: memory, requestBytes: 250 * Units.kB, responseBytes: 2 * Units.kB,
                     lifecycle: LifecycleProfile(startup: .lognormal(median: 1, sigma: 0.2, min: 0.3, max: 5), setup: .constant(setup)),
                     minReplicas: 1, maxReplicas: 20, scaler: .averageRequests(targetPerReplica: 20, window: 10))
    }

    public static let profiles: [Profile] = [
        Profile(
            function: function("resnet50-inference",
                               images: [FunctionImage(image: "resnet50-inference-gpu", requests: Resources(cpuMillis: 1000, memoryBytes: 800 * Units.MiB, gpus: 1)),
                                        FunctionImage(image: "resnet50-inference-cpu", requests: Resources(cpuMillis: 1000, memoryBytes: 800 * Units.MiB))],
                               times: ["xeongpu": lognormal(0.030), "tx2": lognormal(0.090), "nano": lognormal(0.140), "xeoncpu": lognormal(0.250),
                                       "nuc": lognormal(0.300), "rockpi": lognormal(1.4), "rpi4": lognormal(2.5), "rpi3": lognormal(4.5)],
                               fallback: lognormal(0.4), setup: 3, memory: 1 * Units.GiB),
            images: [image("resnet50-inference-gpu", x86: 2300, arm64: 1200, arm: nil), image("resnet50-inference-cpu", x86: 2000, arm64: 840, arm: 700)]),
        Profile(
            function: function("mobilenet-inference",
                               images: [FunctionImage(image: "mobilenet-inference-tpu", requests: Resources(cpuMillis: 1000, memoryBytes: 300 * Units.MiB, tpus: 1)),
                                        FunctionImage(image: "mobilenet-inference-tflite", requests: Resources(cpuMillis: 1000, memoryBytes: 300 * Units.MiB))],
                               times: ["coral": lognormal(0.012), "xeongpu": lognormal(0.020), "xeoncpu": lognormal(0.040), "nuc": lognormal(0.050),
                                       "tx2": lognormal(0.060), "nano": lognormal(0.080), "rockpi": lognormal(0.200), "rpi4": lognormal(0.300), "rpi3": lognormal(0.600)],
                               fallback: lognormal(0.1), setup: 1, memory: 512 * Units.MiB),
            images: [image("mobilenet-inference-tpu", x86: nil, arm64: 180, arm: nil), image("mobilenet-inference-tflite", x86: 250, arm64: 160, arm: 150)]),
        Profile(
            function: function("speech-inference",
                               images: [FunctionImage(image: "speech-inference-tflite", requests: Resources(cpuMillis: 1000, memoryBytes: 300 * Units.MiB)),
                                        FunctionImage(image: "speech-inference-gpu", requests: Resources(cpuMillis: 1000, memoryBytes: 600 * Units.MiB, gpus: 1))],
                               times: ["xeongpu": lognormal(0.150), "xeoncpu": lognormal(0.400), "nuc": lognormal(0.450), "tx2": lognormal(0.500),
                                       "nano": lognormal(0.700), "rockpi": lognormal(1.8), "rpi4": lognormal(3.0), "rpi3": lognormal(6.0)],
                               fallback: lognormal(0.8), setup: 2, memory: 700 * Units.MiB),
            images: [image("speech-inference-tflite", x86: 500, arm64: 400, arm: 380), image("speech-inference-gpu", x86: 1800, arm64: 1100, arm: nil)]),
        Profile(
            function: function("resnet50-training",
                               images: [FunctionImage(image: "resnet50-training-gpu", requests: Resources(cpuMillis: 1000, memoryBytes: 800 * Units.MiB, gpus: 1)),
                                        FunctionImage(image: "resnet50-training-cpu", requests: Resources(cpuMillis: 1000, memoryBytes: 1 * Units.GiB))],
                               times: ["xeongpu": lognormal(8), "tx2": lognormal(30), "nano": lognormal(45), "xeoncpu": lognormal(60), "nuc": lognormal(70)],
                               fallback: lognormal(120), setup: 4, memory: 2 * Units.GiB),
            images: [image("resnet50-training-gpu", x86: 2600, arm64: 1400, arm: nil), image("resnet50-training-cpu", x86: 2100, arm64: 900, arm: nil)]),
        Profile(
            function: function("resnet50-preprocessing",
                               images: [FunctionImage(image: "resnet50-preprocessing", requests: Resources(cpuMillis: 1000, memoryBytes: 100 * Units.MiB))],
                               times: ["xeoncpu": lognormal(0.8), "xeongpu": lognormal(0.8), "nuc": lognormal(0.9), "tx2": lognormal(2),
                                       "nano": lognormal(2.5), "rockpi": lognormal(3), "rpi4": lognormal(5), "rpi3": lognormal(9)],
                               fallback: lognormal(2), setup: 1, memory: 512 * Units.MiB),
            images: [image("resnet50-preprocessing", x86: 4100, arm64: 1900, arm: 1700)]),
    ]

    public static func profile(named name: String) -> Profile? { profiles.first { $0.function.name == name } }
}
