import Foundation
#if canImport(Glibc)
import CMalloc
#endif

/// Allocator settings for a process that holds a live playground.
public enum MemoryTuning {
    /// A playground allocates and frees object versions all the time. With glibc's defaults
    /// free memory at the top of the main heap goes back to the system once 128 KB are free and
    /// the heap grows 128 KB at a time, so a rollout's memory went back and forth between the
    /// process and the kernel: page faults and `mprotect` calls were a fifth of the busiest
    /// seconds. Keep up to 256 MB free for reuse, grow by 64 MB, and serve blocks up to 32 MB
    /// (a 4 MB pod Table) from the heap: setting any of these turns off glibc's adaptive
    /// threshold above which blocks are mapped and unmapped one by one, which would otherwise
    /// stay at 128 KB. The 10,000-pod rollout of `bench serve` runs about a sixth faster.
    /// Allocator settings given in the environment (`GLIBC_TUNABLES=glibc.malloc.…`,
    /// `MALLOC_TRIM_THRESHOLD_`, `MALLOC_TOP_PAD_`, `MALLOC_MMAP_THRESHOLD_`) are left alone.
    public static func forLiveServer() {
        #if canImport(Glibc)
        let environment = ProcessInfo.processInfo.environment
        let own = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_"]
        if own.contains(where: { environment[$0] != nil }) || environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true { return }
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        _ = mallopt(M_TOP_PAD, 64 << 20)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        #endif
    }
}
