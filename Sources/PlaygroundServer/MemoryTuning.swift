import CMalloc

/// Allocator settings for a process that holds a live playground.
public enum MemoryTuning {
    /// A playground allocates and frees object versions all the time. glibc returns free memory
    /// at the top of a heap to the system as soon as 128 KB are free and grows its thread heaps
    /// a few pages at a time, so a rollout's memory went back and forth between the process and
    /// the kernel: page faults and `mprotect` calls were a fifth of the busiest seconds, and
    /// otherwise quiet seconds stalled for 15–20 ms. Keep up to 256 MB of free memory for reuse
    /// and grow by 64 MB: the 10,000-pod rollout of `bench serve` runs about a sixth faster.
    public static func forLiveServer() {
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        _ = mallopt(M_TOP_PAD, 64 << 20)
    }
}
