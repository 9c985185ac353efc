import Blueprint
import Foundation
import Manifests
import Testing
import TestSupport
import ZIPFoundation

/// Zips for the reader's tests: built with ZIPFoundation in memory, then patched where a
/// hostile archive says what ZIPFoundation would never write.
enum TestZip {
    struct Item {
        var path: String
        var data: Data = Data()
        var type: Entry.EntryType = .file
        var method: CompressionMethod = .deflate
    }

    static func file(_ path: String, _ text: String, method: CompressionMethod = .deflate) -> Item {
        Item(path: path, data: Data(text.utf8), method: method)
    }

    static func make(_ items: [Item]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for item in items {
            let data = item.data
            try archive.addEntry(with: item.path, type: item.type, uncompressedSize: Int64(data.count),
                                 modificationDate: Date(timeIntervalSince1970: 315_532_800),
                                 permissions: item.type == .directory ? 0o755 : 0o644, compressionMethod: item.method,
                                 provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return Data(try #require(archive.data))
    }

    /// Offsets of the local and central headers of the entry named `name`.
    static func headers(_ name: String, in zip: Data) throws -> (local: Int, central: Int) {
        let bytes = [UInt8](zip), name = [UInt8](name.utf8)
        func find(_ signature: [UInt8], lengthAt: Int, nameAt: Int) -> Int? {
            var at = 0
            while at + nameAt + name.count <= bytes.count {
                if Array(bytes[at..<(at + 4)]) == signature, Int(bytes[at + lengthAt]) | Int(bytes[at + lengthAt + 1]) << 8 == name.count,
                   Array(bytes[(at + nameAt)..<(at + nameAt + name.count)]) == name
                {
                    return at
                }
                at += 1
            }
            return nil
        }
        let local = try #require(find([0x50, 0x4b, 0x03, 0x04], lengthAt: 26, nameAt: 30), "no local header for \(name)")
        let central = try #require(find([0x50, 0x4b, 0x01, 0x02], lengthAt: 28, nameAt: 46), "no central header for \(name)")
        return (local, central)
    }

    /// Writes `value` little-endian over `width` bytes at `at`.
    static func set(_ zip: inout Data, at: Int, _ value: Int, width: Int) {
        for i in 0..<width { zip[zip.startIndex + at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// The entry's uncompressed size as both headers declare it.
    static func declare(_ zip: Data, _ name: String, uncompressedSize: Int) throws -> Data {
        var zip = zip
        let (local, central) = try headers(name, in: zip)
        set(&zip, at: local + 22, uncompressedSize, width: 4)
        set(&zip, at: central + 24, uncompressedSize, width: 4)
        return zip
    }

    /// Renames an entry in both headers to a name of the same length.
    static func rename(_ zip: Data, _ name: String, to new: String) throws -> Data {
        precondition(name.utf8.count == new.utf8.count)
        var zip = zip
        let (local, central) = try headers(name, in: zip)
        for (offset, byte) in new.utf8.enumerated() {
            zip[zip.startIndex + local + 30 + offset] = byte
            zip[zip.startIndex + central + 46 + offset] = byte
        }
        return zip
    }

    /// Deterministic bytes that do not compress.
    static func noise(_ count: Int, seed: UInt64 = 1) -> Data {
        var state = seed
        return Data((0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
    }
}

@Suite("Reading an untrusted solution.zip")
struct SolutionArchiveTests {
    /// A real solution: the bundle `convert` writes for a sample blueprint, with two protos.
    static func bundle() throws -> SolutionBundle {
        let url = Fixtures.packageRoot.appendingPathComponent("blueprints/news-training-sharedfolder.json")
        let loaded = try BlueprintLoader.load(contentsOf: url.path)
        let options = ManifestOptions()
        let protos = ProtoCollection(protos: ["newstrainer1": Data("syntax = \"proto3\";\n".utf8),
                                              "tensorboard1": Data("// tensorboard\n".utf8)])
        return try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                           options: options, protos: protos)
    }

    static func expectMatches(_ archive: SolutionArchive, _ bundle: SolutionBundle) throws {
        #expect(archive.blueprint == bundle.file("blueprint.json")?.contents)
        let deployments = bundle.files.filter { $0.path.hasPrefix("deployments/") && $0.path.hasSuffix(".yaml") }
        #expect(!deployments.isEmpty)
        #expect(archive.manifests.map(\.path) == deployments.map(\.path))
        #expect(archive.manifests.map(\.text) == deployments.map(\.text))
        #expect(archive.protos == ["newstrainer1": Data("syntax = \"proto3\";\n".utf8), "tensorboard1": Data("// tensorboard\n".utf8)])
        #expect(archive.files.keys.sorted() == bundle.files.map(\.path))
        for file in bundle.files { #expect(archive.files[file.path] == file.contents, "\(file.path)") }
        #expect(archive.modelName == nil)
    }

    static func refusal(_ zip: Data, limits: ArchiveLimits = .default) -> ArchiveError? {
        do {
            let archive = try SolutionArchive.read(zip, limits: limits)
            Issue.record("read, with \(archive.files.count) files")
            return nil
        } catch {
            #expect(error.message.hasPrefix("solution.zip: "))
            return error
        }
    }

    @Test("the solution.zip convert writes reads back: blueprint, manifests in order, protos, every file")
    func realSolution() throws {
        let bundle = try Self.bundle()
        let archive = try SolutionArchive.read(try bundle.zipData())
        try Self.expectMatches(archive, bundle)
        #expect(archive.topFolder == nil)
    }

    @Test("the same solution zipped as a folder (with its folder entries and Finder's __MACOSX)")
    func topFolder() throws {
        let bundle = try Self.bundle()
        var items = [TestZip.Item(path: "solution/", type: .directory), TestZip.Item(path: "solution/deployments/", type: .directory)]
        items += bundle.files.map { TestZip.Item(path: "solution/" + $0.path, data: $0.contents) }
        items.append(TestZip.Item(path: "__MACOSX/solution/._blueprint.json", data: Data([0, 5, 22, 7])))
        let archive = try SolutionArchive.read(try TestZip.make(items))
        try Self.expectMatches(archive, bundle)
        #expect(archive.topFolder == "solution")
        // A solution file at the root means there is no top folder to strip.
        let mixed = try SolutionArchive.read(try TestZip.make([TestZip.file("blueprint.json", "{}"), TestZip.file("docs/a.txt", "a")]))
        #expect(mixed.topFolder == nil && mixed.blueprint == Data("{}".utf8) && mixed.files["docs/a.txt"] == Data("a".utf8))
    }

    @Test("names are normalised; modelname.txt is trimmed; .yml counts, sub-folders of deployments do not")
    func normalisedNames() throws {
        let zip = try TestZip.make([
            TestZip.file("./deployments//b.yml", "kind: Service\n"), TestZip.file("deployments/a.yaml", "kind: Pod\n", method: .none),
            TestZip.file("deployments/old/c.yaml", "kind: Pod\n"), TestZip.file("deployments/notes.txt", "x"),
            TestZip.file("modelname.txt", "  news-classifier \n"), TestZip.file("empty.txt", ""),
        ])
        let archive = try SolutionArchive.read(zip)
        #expect(archive.manifests.map(\.path) == ["deployments/a.yaml", "deployments/b.yml"])
        #expect(archive.manifests.map(\.text) == ["kind: Pod\n", "kind: Service\n"])
        #expect(archive.modelName == "news-classifier")
        #expect(archive.files.keys.sorted() == ["deployments/a.yaml", "deployments/b.yml", "deployments/notes.txt",
                                                "deployments/old/c.yaml", "empty.txt", "modelname.txt"])
        #expect(archive.files["empty.txt"] == Data())
        #expect(archive.blueprint == nil)
    }

    static let fiftyMegabytesOfZeros: Data = {
        (try? TestZip.make([TestZip.Item(path: "zeros.bin", data: Data(count: 50_000_000))])) ?? Data()
    }()

    @Test("a zip bomb: 50 MB of zeros is refused by its declared size, and by the bytes produced when the header lies")
    func zipBomb() throws {
        let zip = Self.fiftyMegabytesOfZeros
        #expect(zip.count < 100_000)
        let small = ArchiveLimits(maxEntryBytes: 1 << 20)
        let declared = try #require(Self.refusal(zip, limits: small))
        #expect(declared.kind == .tooLarge && declared.kind.httpStatus == 413)
        #expect(declared.message.contains("entry 'zeros.bin' declares 50000000 bytes uncompressed, more than the limit of 1 MiB per entry"), "\(declared)")
        // The header says 1000 bytes: decompression stops as soon as the entry passes the limit.
        let lying = try TestZip.declare(zip, "zeros.bin", uncompressedSize: 1000)
        let produced = try #require(Self.refusal(lying, limits: small))
        #expect(produced.kind == .tooLarge)
        #expect(produced.message.contains("entry 'zeros.bin' expands past 1 MiB, the limit per entry (its header declares 1000 bytes)"), "\(produced)")
        // With the default limits the ratio stops it just past 1 MiB.
        let ratio = try #require(Self.refusal(lying))
        #expect(ratio.kind == .tooLarge && ratio.message.contains("entry 'zeros.bin' expands past") && ratio.message.contains("more than 200 times"), "\(ratio)")
    }

    @Test("an entry under the size limit that compresses more than maxRatio times is a bomb too")
    func ratio() throws {
        let zip = try TestZip.make([TestZip.Item(path: "padding.bin", data: Data(count: 2 << 20))])
        let declared = try #require(Self.refusal(zip))
        #expect(declared.kind == .tooLarge)
        #expect(declared.message.contains("entry 'padding.bin' declares 2 MiB from") && declared.message.contains("more than 200 times its size"), "\(declared)")
        let lying = try #require(Self.refusal(try TestZip.declare(zip, "padding.bin", uncompressedSize: 4096)))
        #expect(lying.kind == .tooLarge && lying.message.contains("entry 'padding.bin' expands past"), "\(lying)")
        // Under 1 MiB the ratio is not checked; a higher maxRatio lets the 2 MiB through.
        let small = try SolutionArchive.read(try TestZip.make([TestZip.Item(path: "p.bin", data: Data(count: 1 << 20))]))
        #expect(small.files["p.bin"]?.count == 1 << 20)
        #expect(try SolutionArchive.read(zip, limits: ArchiveLimits(maxRatio: 2000)).files["padding.bin"]?.count == 2 << 20)
    }

    @Test("entries that are each small but too large together")
    func total() throws {
        let items = (0..<4).map { TestZip.Item(path: "data/\($0).bin", data: TestZip.noise(1 << 20, seed: UInt64($0 + 1))) }
        let zip = try TestZip.make(items)
        let limits = ArchiveLimits(maxTotalBytes: 3584 << 10)
        let declared = try #require(Self.refusal(zip, limits: limits))
        #expect(declared.kind == .tooLarge)
        #expect(declared.message.contains("the entries declare more than 3584 KiB uncompressed in all (the limit; 'data/3.bin' passes it)"), "\(declared)")
        // The last entry declares 1000 bytes and produces 1 MiB: the running total stops it.
        let lying = try #require(Self.refusal(try TestZip.declare(zip, "data/3.bin", uncompressedSize: 1000), limits: limits))
        #expect(lying.kind == .tooLarge)
        #expect(lying.message.contains("the entries expand past 3584 KiB in all, the limit (at entry 'data/3.bin')"), "\(lying)")
        #expect(try SolutionArchive.read(zip, limits: ArchiveLimits(maxTotalBytes: 4 << 20)).files.count == 4)
    }

    @Test("more entries than maxEntries; an archive larger than maxArchiveBytes")
    func counts() throws {
        let zip = try TestZip.make((0..<11).map { TestZip.file("f\($0).txt", "\($0)") })
        let many = try #require(Self.refusal(zip, limits: ArchiveLimits(maxEntries: 10)))
        #expect(many.kind == .tooLarge && many.message.contains("the archive has 11 entries, more than the limit of 10"), "\(many)")
        #expect(try SolutionArchive.read(zip, limits: ArchiveLimits(maxEntries: 11)).files.count == 11)
        let big = try #require(Self.refusal(zip, limits: ArchiveLimits(maxArchiveBytes: 100)))
        #expect(big.kind == .tooLarge && big.message.contains("more than the limit of 100 bytes"), "\(big)")
    }

    @Test("zip slip: absolute names, '..', backslashes and control characters are refused, naming the entry",
          arguments: [
              ("../x", "leaves the archive"), ("a/../../b", "leaves the archive"), ("../../etc/passwd", "leaves the archive"),
              ("/abs", "is an absolute path"), ("C:/x", "is an absolute path"),
              ("a\\b", "contains a backslash"), ("..\\x", "contains a backslash"), ("C:\\x", "contains a backslash"),
              ("\\\\server\\share", "contains a backslash"), ("a\u{0}b", "control character"), ("a\nb.yaml", "control character"),
          ])
    func zipSlip(name: String, problem: String) throws {
        let zip = try TestZip.make([TestZip.file("ok.txt", "fine"), TestZip.file(name, "payload")])
        let error = try #require(Self.refusal(zip))
        #expect(error.kind == .invalid && error.kind.httpStatus == 400)
        let shown = name.replacingOccurrences(of: "\u{0}", with: "\\u{0}").replacingOccurrences(of: "\n", with: "\\u{a}")
        #expect(error.message.contains("entry '\(shown)' \(problem)") || error.message.contains("entry '\(shown)' has a \(problem)"), "\(error)")
        #expect(error.message.hasSuffix("rebuild the zip from the solution folder")
            || error.message.contains("rebuild the zip from the solution folder with a tool"), "\(error)")
    }

    @Test("the message for '../../etc/passwd' says what, where and how to fix it")
    func zipSlipMessage() throws {
        let error = try #require(Self.refusal(try TestZip.make([TestZip.file("../../etc/passwd", "root:x:0:0")])))
        #expect(error.message == "solution.zip: entry '../../etc/passwd' leaves the archive (names must be relative, without '..'); rebuild the zip from the solution folder")
        #expect(error.description == error.message)
    }

    @Test("a symbolic link is refused; folders are skipped")
    func symlink() throws {
        let link = TestZip.Item(path: "deployments/link.yaml", data: Data("/etc/passwd".utf8), type: .symlink)
        let error = try #require(Self.refusal(try TestZip.make([TestZip.file("blueprint.json", "{}"), link])))
        #expect(error.kind == .invalid && error.message.contains("entry 'deployments/link.yaml' is a symbolic link"), "\(error)")
        let folders = try SolutionArchive.read(try TestZip.make([TestZip.Item(path: "deployments/", type: .directory),
                                                                  TestZip.file("deployments/a.yaml", "a: 1\n")]))
        #expect(folders.files.keys.sorted() == ["deployments/a.yaml"])
    }

    @Test("garbage, an empty input and truncated or cut zips are invalid")
    func garbage() throws {
        let zip = try Self.bundle().zipData()
        let inputs: [(String, Data)] = [
            ("garbage", TestZip.noise(5000)), ("empty", Data()), ("text", Data("PK not really a zip".utf8)),
            ("first half", zip.prefix(zip.count / 2)), ("last byte cut", zip.dropLast()),
            ("middle cut out", zip.prefix(2000) + zip.suffix(from: zip.startIndex + 2100)),
        ]
        for (what, data) in inputs {
            let error = try #require(Self.refusal(data), "\(what)")
            #expect(error.kind == .invalid, "\(what): \(error)")
        }
        // A slice of a larger buffer reads like the bytes it holds.
        let padded = Data([1, 2, 3]) + zip
        #expect(try SolutionArchive.read(padded.suffix(from: padded.startIndex + 3)).files.count == (try Self.bundle()).files.count)
    }

    @Test("duplicate names, also after normalisation, and a file used as a folder")
    func duplicates() throws {
        let twice = try #require(Self.refusal(try TestZip.make([TestZip.file("deployments/a.yaml", "a: 1\n"), TestZip.file("deployments/a.yaml", "a: 2\n")])))
        #expect(twice.kind == .invalid && twice.message.contains("entry 'deployments/a.yaml' appears twice"), "\(twice)")
        let normalised = try #require(Self.refusal(try TestZip.make([TestZip.file("a/b.txt", "1"), TestZip.file("./a//b.txt", "2")])))
        #expect(normalised.message.contains("entry './a//b.txt' appears twice"), "\(normalised)")
        let nested = try #require(Self.refusal(try TestZip.make([TestZip.file("deployments", "x"), TestZip.file("deployments/a.yaml", "a: 1\n")])))
        #expect(nested.message.contains("'deployments' is a file, and entry 'deployments/a.yaml' lies inside it"), "\(nested)")
    }

    @Test("manifests, blueprint and modelname.txt must be UTF-8; blueprint.json has a limit of its own")
    func textAndBlueprint() throws {
        let latin1 = TestZip.Item(path: "deployments/a.yaml", data: Data([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]))
        let error = try #require(Self.refusal(try TestZip.make([latin1])))
        #expect(error.kind == .invalid && error.message.contains("'deployments/a.yaml' is not UTF-8 text"), "\(error)")
        let blueprint = try #require(Self.refusal(try TestZip.make([TestZip.Item(path: "solution/blueprint.json", data: Data([0xff, 0xfe]))])))
        #expect(blueprint.message.contains("'solution/blueprint.json' is not UTF-8 text"), "\(blueprint)")

        let large = try TestZip.make([TestZip.Item(path: "blueprint.json", data: TestZip.noise(5000)), TestZip.file("other.bin", String(repeating: "x", count: 5000))])
        let limits = ArchiveLimits(maxBlueprintBytes: 4096)
        let declared = try #require(Self.refusal(large, limits: limits))
        #expect(declared.kind == .tooLarge && declared.message.contains("'blueprint.json' declares 5000 bytes, more than the limit of 4 KiB for a blueprint"), "\(declared)")
        let lying = try #require(Self.refusal(try TestZip.declare(large, "blueprint.json", uncompressedSize: 100), limits: limits))
        #expect(lying.kind == .tooLarge && lying.message.contains("'blueprint.json' expands past 4 KiB, more than the limit"), "\(lying)")
    }

    @Test("damaged data: a wrong checksum, a stored entry whose sizes differ, an encrypted entry, an unknown method")
    func damaged() throws {
        let zip = try TestZip.make([TestZip.file("a.txt", "hello world", method: .none), TestZip.file("b.txt", "deflated text text text")])
        let (local, central) = try TestZip.headers("a.txt", in: zip)
        var flipped = zip
        flipped[flipped.startIndex + local + 30 + 5] ^= 0x20
        #expect(Self.refusal(flipped)?.message.contains("entry 'a.txt' is damaged (its CRC-32 checksum does not match)") == true)
        var sizes = zip
        TestZip.set(&sizes, at: central + 24, 5, width: 4)
        #expect(Self.refusal(sizes)?.message.contains("entry 'a.txt' is stored uncompressed but its two sizes differ") == true)
        var encrypted = zip
        TestZip.set(&encrypted, at: central + 8, 0x0801, width: 2)
        #expect(Self.refusal(encrypted)?.message.contains("entry 'a.txt' is encrypted") == true)
        var method = zip
        let b = try TestZip.headers("b.txt", in: zip)
        TestZip.set(&method, at: b.local + 8, 12, width: 2)
        TestZip.set(&method, at: b.central + 10, 12, width: 2)
        #expect(Self.refusal(method)?.message.contains("entry 'b.txt' is compressed with method 12") == true)
        var shorter = zip
        TestZip.set(&shorter, at: b.central + 24, 3, width: 4)
        TestZip.set(&shorter, at: b.local + 22, 3, width: 4)
        #expect(Self.refusal(shorter)?.message.contains("entry 'b.txt' holds 23 bytes, not the 3 bytes its header declares") == true)
    }

    @Test("inputs that trap or hang ZIPFoundation's own in-memory reader are refused")
    func readerKillers() throws {
        let zip = try TestZip.make([TestZip.Item(path: "a.txt", data: Data(repeating: 65, count: 100_000)), TestZip.file("b.txt", "hello")])
        // A local header offset far past the end of the data.
        var offset = zip
        TestZip.set(&offset, at: try TestZip.headers("b.txt", in: zip).central + 42, 0x1000_0000, width: 4)
        #expect(Self.refusal(offset)?.message.contains("entry 'b.txt' is damaged or truncated (its local header is missing)") == true)
        // A deflate stream that never ends: a stored block announcing 65,535 bytes, then zeros.
        var endless = zip
        let a = try TestZip.headers("a.txt", in: zip), b = try TestZip.headers("b.txt", in: zip)
        let start = a.local + 30 + 5
        endless.replaceSubrange((endless.startIndex + start)..<(endless.startIndex + b.local),
                                with: [0x00, 0xff, 0xff, 0x00, 0x00] + [UInt8](repeating: 0, count: b.local - start - 5))
        #expect(Self.refusal(endless)?.message.contains("entry 'a.txt' is truncated (its compressed data end before the deflate stream does)") == true)
        // The central directory pointing outside the file.
        var directory = zip
        TestZip.set(&directory, at: zip.count - 22 + 16, 0x7fff_0000, width: 4)
        #expect(Self.refusal(directory)?.message.contains("its central directory lies outside the file") == true)
    }

    @Test("entries sharing bytes (the overlapping-entry bomb) and local names that differ from the directory")
    func overlapping() throws {
        // b.txt's second copy lives inside a.bin's stored data; its central header is moved there.
        let inner = try TestZip.make([TestZip.file("b.txt", "same bytes", method: .none)])
        let innerHeader = try TestZip.headers("b.txt", in: inner).local
        let zip = try TestZip.make([TestZip.Item(path: "a.bin", data: inner, method: .none), TestZip.file("b.txt", "same bytes", method: .none)])
        let a = try TestZip.headers("a.bin", in: zip)
        // The last central header is b.txt's (a.bin's inner copy comes first): point it into a.bin.
        let bytes = [UInt8](zip)
        let bCentral = try #require((0..<(bytes.count - 4)).last { Array(bytes[$0..<($0 + 4)]) == [0x50, 0x4b, 0x01, 0x02] })
        var moved = zip
        TestZip.set(&moved, at: bCentral + 42, a.local + 30 + 5 + innerHeader, width: 4)
        let error = try #require(Self.refusal(moved))
        #expect(error.message.contains("entries 'a.bin' and 'b.txt' share bytes of the archive"), "\(error)")
        #expect(try SolutionArchive.read(zip).files["a.bin"] == inner)

        let plain = try TestZip.make([TestZip.file("b.txt", "b"), TestZip.file("c.txt", "c")])
        let renamed = try #require(Self.refusal(try TestZip.rename(plain, "b.txt", to: "d.txt").replacingName(inLocalOf: "d.txt", with: "e.txt")))
        #expect(renamed.message.contains("entry 'd.txt' is named differently in its local header"), "\(renamed)")
    }

    @Test("ZIP64 sizes and offsets are read; a ZIP64 archive split across files is refused")
    func zip64() throws {
        let content = Data("kind: Namespace\n".utf8)
        let zip = RawZip64.make(name: "deployments/ns.yaml", stored: content)
        let archive = try SolutionArchive.read(zip)
        #expect(archive.manifests.map(\.path) == ["deployments/ns.yaml"])
        #expect(archive.manifests.first?.text == "kind: Namespace\n")
        var split = zip
        TestZip.set(&split, at: zip.count - 22 - 20 - 56 + 16, 1, width: 4)  // the record's disk number
        #expect(Self.refusal(split)?.message.contains("split across several files") == true)
    }

    @Test("saved fuzzer inputs for the archive reader (Tests/Fixtures/fuzz/archive-*) end as their names say")
    func savedFuzzInputs() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/fuzz")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("archive-") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let expected: ArchiveError.Kind? = name.hasPrefix("archive-invalid-") ? .invalid : name.hasPrefix("archive-toolarge-") ? .tooLarge : nil
            #expect(expected != nil || name.hasPrefix("archive-reads-"), "\(name): name it archive-invalid-*, archive-toolarge-* or archive-reads-*")
            do {
                let archive = try SolutionArchive.read(data)
                #expect(expected == nil, "\(name) was read")
                #expect(archive.files.keys.allSatisfy { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") && !$0.contains("\\") }, "\(name)")
            } catch {
                #expect(error.kind == expected, "\(name): \(error)")
                #expect(error.message.hasPrefix("solution.zip: ") && error.message.contains(";"), "\(name): \(error)")
            }
        }
    }
}

extension Data {
    /// The zip with the entry's name changed in its local header only.
    func replacingName(inLocalOf name: String, with new: String) throws -> Data {
        var zip = self
        let local = try TestZip.headers(name, in: zip).local
        for (offset, byte) in new.utf8.enumerated() { zip[zip.startIndex + local + 30 + offset] = byte }
        return zip
    }
}

/// A one-entry stored archive in ZIP64 form (sizes and offset in the extra field, a ZIP64 end
/// record and locator), as zip tools write for large or streamed files.
enum RawZip64 {
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    static func make(name: String, stored: Data) -> Data {
        let name = [UInt8](name.utf8)
        let crc = UInt64(stored.crc32(checksum: 0))
        let size = UInt64(stored.count)
        var out: [UInt8] = []
        let localExtra = le(1, 2) + le(16, 2) + le(size, 8) + le(size, 8)
        out += le(0x0403_4b50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4)
        out += le(UInt64(name.count), 2) + le(UInt64(localExtra.count), 2) + name + localExtra + [UInt8](stored)
        let directoryStart = UInt64(out.count)
        let centralExtra = le(1, 2) + le(24, 2) + le(size, 8) + le(size, 8) + le(0, 8)
        out += le(0x0201_4b50, 4) + le(0x0300 | 45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4)
        out += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(name.count), 2) + le(UInt64(centralExtra.count), 2)
        out += le(0, 2) + le(0, 2) + le(0, 2) + le(0o100644 << 16, 4) + le(0xFFFF_FFFF, 4) + name + centralExtra
        let directorySize = UInt64(out.count) - directoryStart
        let recordStart = UInt64(out.count)
        out += le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(1, 8) + le(1, 8)
        out += le(directorySize, 8) + le(directoryStart, 8)
        out += le(0x0706_4b50, 4) + le(0, 4) + le(recordStart, 8) + le(1, 4)
        out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        return Data(out)
    }
}
