import Foundation
import Manifests
import Testing
import TestSupport

@Suite("line diff and unified diff")
struct LineDiffTests {
    /// The new lines rebuilt from the old ones and an edit script; nil when the script is inconsistent.
    static func apply(_ script: [LineDiff.Edit], _ old: [Int], _ new: [Int]) -> [Int]? {
        var out: [Int] = []
        var o = 0
        for edit in script {
            switch edit {
            case .keep(let i, let j):
                guard i == o, old[i] == new[j], j == out.count else { return nil }
                out.append(old[i])
                o += 1
            case .delete(let i):
                guard i == o else { return nil }
                o += 1
            case .insert(let j):
                guard j == out.count else { return nil }
                out.append(new[j])
            }
        }
        return o == old.count ? out : nil
    }

    /// The length of a longest common subsequence (dynamic programming), to check that the
    /// script is a shortest one.
    static func lcs(_ a: [Int], _ b: [Int]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var diagonal = 0
            for j in 1...max(b.count, 1) where j <= b.count {
                let up = row[j]
                row[j] = x == b[j - 1] ? diagonal + 1 : max(row[j], row[j - 1])
                diagonal = up
            }
        }
        return row[b.count]
    }

    @Test("random line lists: the script rebuilds the new lines and keeps a longest common subsequence")
    func shortestScripts() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let old = (0..<Int.random(in: 0...30, using: &generator)).map { _ in Int.random(in: 0...4, using: &generator) }
            var new = old
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                switch Int.random(in: 0...2, using: &generator) {
                case 0 where !new.isEmpty: new.remove(at: Int.random(in: 0..<new.count, using: &generator))
                case 1: new.insert(Int.random(in: 0...4, using: &generator), at: Int.random(in: 0...new.count, using: &generator))
                default: if !new.isEmpty { new[Int.random(in: 0..<new.count, using: &generator)] = Int.random(in: 0...4, using: &generator) }
                }
            }
            let script = LineDiff.edits(old, new)
            #expect(Self.apply(script, old, new) == new, "\(old) → \(new)")
            let kept = script.filter { if case .keep = $0 { return true } else { return false } }.count
            #expect(kept == Self.lcs(old, new), "\(old) → \(new)")
        }
    }

    @Test("unified diff: hunk headers, 3 lines of context, nearby changes in one hunk")
    func unified() throws {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[1] = "line two"
        lines[4] = "line five"
        lines.remove(at: 17)
        let new = lines.joined(separator: "\n") + "\n"
        let diff = try #require(LineDiff.unified(old: old, new: new, oldLabel: "a.txt", newLabel: "b.txt"))
        #expect(diff == """
            --- a.txt
            +++ b.txt
            @@ -1,8 +1,8 @@
             line 1
            -line 2
            +line two
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8
            @@ -15,6 +15,5 @@
             line 15
             line 16
             line 17
            -line 18
             line 19
             line 20

            """)
        #expect(LineDiff.unified(old: old, new: old, oldLabel: "a", newLabel: "b") == nil)
    }

    @Test("empty sides and a missing final newline")
    func edges() throws {
        #expect(LineDiff.unified(old: "", new: "a\nb\n", oldLabel: "x", newLabel: "y") == "--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(LineDiff.unified(old: "a\n", new: "", oldLabel: "x", newLabel: "y") == "--- x\n+++ y\n@@ -1 +0,0 @@\n-a\n")
        #expect(LineDiff.unified(old: "a\nb", new: "a\nb\n", oldLabel: "x", newLabel: "y")
            == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
    }
}
