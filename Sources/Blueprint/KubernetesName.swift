/// Kubernetes-safe object names derived from blueprint container names.
///
/// The result is an RFC 1035 label, valid for every object kind kubeprint writes (Services
/// need the strictest form): lower case, `[a-z0-9-]`, starting with a letter, ending with a
/// letter or digit, at most 63 characters. Names that must be shortened keep a stable
/// 8-hex-digit suffix of the original name's hash, so two long names stay distinct.
///
/// ```swift
/// KubernetesName.make(from: "Feature_Extractor")   // "feature-extractor"
/// KubernetesName.make(from: "/data/shared")        // "data-shared"
/// ```
public enum KubernetesName {
    public static let maxLength = 63

    public static func make(from original: String) -> String {
        var scalars: [Character] = []
        for ch in original.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                scalars.append(ch)
            } else {
                scalars.append("-")
            }
        }
        var name = String(scalars)
        name = trimDashes(name)
        if name.isEmpty { name = "node" }
        if let first = name.first, !first.isLetter { name = "n-" + name }
        if name.count > maxLength {
            let suffix = "-" + hashSuffix(original)
            name = trimDashes(String(name.prefix(maxLength - suffix.count))) + suffix
        }
        return name
    }

    /// Whether `name` is already a valid RFC 1035 label.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, name.count <= maxLength else { return false }
        return first.isASCII && first.isLowercase && first.isLetter
            && last.isASCII && (last.isLowercase || last.isNumber)
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func trimDashes(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == "-" { sub = sub.dropFirst() }
        while sub.last == "-" { sub = sub.dropLast() }
        return String(sub)
    }

    /// FNV-1a 64-bit of the UTF-8 bytes, as 8 hex digits (stable across runs and platforms).
    static func hashSuffix(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h & 0xFFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
