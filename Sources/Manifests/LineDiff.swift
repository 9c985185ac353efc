/// Line differences between two texts (Myers' O(ND) algorithm) and their unified-diff form,
/// as `diff -u` prints it.
public enum LineDiff {
    /// One step of an edit script turning the old lines into the new ones (0-based indices).
    public enum Edit: Hashable, Sendable {
        case keep(old: Int, new: Int)
        case delete(old: Int)
        case insert(new: Int)
    }

    /// Past this many differing lines (after the common head and tail are set aside) the
    /// middle part is given as deleted and inserted whole: the script stays correct and the
    /// time and memory stay bounded.
    public static let maxEditDistance = 2000

    /// A shortest edit script from `old` to `new` (deletions before insertions where the two
    /// meet).
    public static func edits<Line: Hashable>(_ old: [Line], _ new: [Line]) -> [Edit] {
        var head = 0
        while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
        var script: [Edit] = (0..<head).map { .keep(old: $0, new: $0) }
        let a = Array(old[head..<(old.count - tail)]), b = Array(new[head..<(new.count - tail)])
        if let middle = myers(a, b) {
            script += middle.map {
                switch $0 {
                case .keep(let o, let n): return .keep(old: o + head, new: n + head)
                case .delete(let o): return .delete(old: o + head)
                case .insert(let n): return .insert(new: n + head)
                }
            }
        } else {
            script += a.indices.map { .delete(old: $0 + head) }
            script += b.indices.map { .insert(new: $0 + head) }
        }
        script += (0..<tail).map { .keep(old: old.count - tail + $0, new: new.count - tail + $0) }
        return script
    }

    /// Myers' greedy forward search, keeping each round's frontier for the walk back; `nil`
    /// past ``maxEditDistance``.
    static func myers<Line: Hashable>(_ a: [Line], _ b: [Line]) -> [Edit]? {
        let n = a.count, m = b.count
        if n == 0 { return b.indices.map { .insert(new: $0) } }
        if m == 0 { return a.indices.map { .delete(old: $0) } }
        let limit = min(n + m, maxEditDistance)
        let offset = limit + 1
        // v[k + offset]: the furthest x reached on diagonal k = x - y.
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        // frontiers[d][k + d + 1] = v[k] before round d, for k in -(d+1)...(d+1).
        var frontiers: [[Int]] = []
        var found = false
        search: for d in 0...limit {
            frontiers.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: frontiers.count - 1, through: 0, by: -1) {
            let frontier = frontiers[d]
            func furthest(_ k: Int) -> Int { frontier[k + d + 1] }
            let k = x - y
            let previousK = (k == -d || (k != d && furthest(k - 1) < furthest(k + 1))) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : furthest(previousK)
            let previousY = d == 0 ? 0 : previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                script.append(.keep(old: x, new: y))
            }
            if d > 0 {
                if x == previousX {
                    script.append(.insert(new: y - 1))
                } else {
                    script.append(.delete(old: x - 1))
                }
                x = previousX
                y = previousY
            }
        }
        return script.reversed()
    }

    /// The lines of `text` and whether its last line lacks the final newline.
    static func lines(_ text: String) -> (lines: [String], missingFinalNewline: Bool) {
        guard !text.isEmpty else { return ([], false) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" {
            lines.removeLast()
            return (lines, false)
        }
        return (lines, true)
    }

    /// The unified diff of two texts with `context` lines around each change, headed
    /// `--- oldLabel` / `+++ newLabel`; `nil` when the texts are the same. A last line without
    /// its newline is marked `\ No newline at end of file`.
    public static func unified(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String? {
        guard old != new else { return nil }
        let (a, aOpen) = lines(old)
        let (b, bOpen) = lines(new)
        // A last line that differs only in its newline is a changed line.
        var aKeys = a, bKeys = b
        if aOpen != bOpen {
            if aOpen, let last = aKeys.indices.last { aKeys[last] += "\u{0}" }
            if bOpen, let last = bKeys.indices.last { bKeys[last] += "\u{0}" }
        }
        let script = edits(aKeys, bKeys)
        // Lines of the old and the new text before each step.
        var oldBefore: [Int] = [], newBefore: [Int] = []
        var o = 0, n = 0
        for edit in script {
            oldBefore.append(o)
            newBefore.append(n)
            switch edit {
            case .keep: o += 1; n += 1
            case .delete: o += 1
            case .insert: n += 1
            }
        }
        let changes = script.indices.filter { if case .keep = script[$0] { return false } else { return true } }
        guard let firstChange = changes.first else { return nil }

        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        var groupStart = firstChange, groupEnd = firstChange
        func emit(_ first: Int, _ last: Int) {
            let from = max(0, first - context), to = min(script.count - 1, last + context)
            var oldCount = 0, newCount = 0
            for edit in script[from...to] {
                switch edit {
                case .keep: oldCount += 1; newCount += 1
                case .delete: oldCount += 1
                case .insert: newCount += 1
                }
            }
            let oldStart = oldCount == 0 ? oldBefore[from] : oldBefore[from] + 1
            let newStart = newCount == 0 ? newBefore[from] : newBefore[from] + 1
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for edit in script[from...to] {
                switch edit {
                case .keep(let i, _):
                    out += " " + a[i] + "\n"
                    if aOpen, i == a.count - 1 { out += "\\ No newline at end of file\n" }
                case .delete(let i):
                    out += "-" + a[i] + "\n"
                    if aOpen, i == a.count - 1 { out += "\\ No newline at end of file\n" }
                case .insert(let j):
                    out += "+" + b[j] + "\n"
                    if bOpen, j == b.count - 1 { out += "\\ No newline at end of file\n" }
                }
            }
        }
        for change in changes.dropFirst() {
            if change - groupEnd - 1 <= 2 * context {
                groupEnd = change
            } else {
                emit(groupStart, groupEnd)
                groupStart = change
                groupEnd = change
            }
        }
        emit(groupStart, groupEnd)
        return out
    }

    /// `start,count` of a hunk header, `start` alone for one line.
    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
