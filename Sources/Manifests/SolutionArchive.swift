import Foundation
#if canImport(zlib)
import zlib
#else
// The system zlib, through the module ZIPFoundation links it with.
import CZlib
#endif

/// How much an untrusted `solution.zip` may hold (see ``SolutionArchive/read(_:limits:)``).
///
/// Each limit is checked twice: against the sizes the archive declares, for a fast refusal,
/// and against the bytes decompression actually produces, so a header that lies gains nothing.
public struct ArchiveLimits: Sendable, Hashable {
    /// The archive itself, compressed, in bytes. Default 64 MiB.
    public var maxArchiveBytes: Int
    /// Entries in the archive, folders included. Default 4096.
    public var maxEntries: Int
    /// One entry, uncompressed, in bytes. Default 16 MiB.
    public var maxEntryBytes: Int
    /// All entries together, uncompressed, in bytes. Default 128 MiB.
    public var maxTotalBytes: Int
    /// Uncompressed ÷ compressed size of one entry, checked once the entry has produced more
    /// than ``ratioCheckedFrom`` bytes. Default 200: the files of real solutions deflate under 10×,
    /// deflate itself stops near 1032×, so only padding or a zip bomb gets past 200×.
    public var maxRatio: Int
    /// `blueprint.json`, uncompressed, in bytes. Default 4 MiB: real blueprints are a few KiB
    /// (those in `Tests/Fixtures/blueprints` are 1–8 KiB), and 4 MiB holds thousands of nodes,
    /// while the whole document is parsed in memory.
    public var maxBlueprintBytes: Int

    /// Entries up to this size (1 MiB) are never refused for their compression ratio.
    public static let ratioCheckedFrom = 1 << 20

    public init(maxArchiveBytes: Int = 64 << 20, maxEntries: Int = 4096, maxEntryBytes: Int = 16 << 20,
                maxTotalBytes: Int = 128 << 20, maxRatio: Int = 200, maxBlueprintBytes: Int = 4 << 20)
    {
        self.maxArchiveBytes = maxArchiveBytes
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
        self.maxBlueprintBytes = maxBlueprintBytes
    }

    /// 64 MiB archive, 4096 entries, 16 MiB per entry, 128 MiB in all, ratio 200, 4 MiB blueprint.
    public static let `default` = ArchiveLimits()
}

/// Why an uploaded `solution.zip` was refused: what is wrong, which entry, and how to fix it.
public struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        /// A limit of ``ArchiveLimits`` was passed (HTTP 413 Content Too Large).
        case tooLarge
        /// Not a zip, damaged, or holding an entry that is refused (HTTP 400 Bad Request).
        case invalid

        /// The HTTP status a service answers with: 413 or 400.
        public var httpStatus: Int { self == .tooLarge ? 413 : 400 }
    }

    public var kind: Kind
    /// One sentence starting with `solution.zip:`, naming the entry, ending with the fix.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The files of an uploaded `solution.zip`, read in memory from untrusted bytes.
///
/// Nothing is written to disk. Entry names that are absolute or climb out with `..` (zip
/// slip), symbolic links, encrypted or split archives, duplicate names and damaged data are
/// refused as ``ArchiveError/Kind/invalid``; archives past an ``ArchiveLimits`` limit as
/// ``ArchiveError/Kind/tooLarge``. The archive's structure is read here rather than by
/// ZIPFoundation's `Archive`, whose in-memory reader traps on an entry offset past the end of
/// the data and, on Linux, never returns from a deflate stream cut short; decompression is
/// zlib's, fed exactly the entry's compressed bytes.
public struct SolutionArchive: Sendable {
    /// Regular files by path relative to the solution folder (normalised: no `.` components,
    /// no doubled `/`). Folders are not listed; neither is macOS's `__MACOSX/` metadata.
    public var files: [String: Data]
    /// The one folder every file was zipped under (people zip the solution folder itself), when
    /// no solution file lies at the root; it is removed from the paths of ``files``.
    public var topFolder: String?
    /// `blueprint.json`, UTF-8.
    public var blueprint: Data?
    /// `deployments/*.yaml` and `*.yml` (not in sub-folders), sorted by path.
    public var manifests: [(path: String, text: String)]
    /// `microservice/*.proto` by file name without the extension.
    public var protos: [String: Data]
    /// `modelname.txt` without surrounding white space; nil when absent or blank.
    public var modelName: String?

    /// Reads `data` as a solution archive within `limits`.
    public static func read(_ data: Data, limits: ArchiveLimits = .default) throws(ArchiveError) -> SolutionArchive {
        guard data.count <= limits.maxArchiveBytes else {
            throw ZipReader.tooLarge("the archive is \(ZipReader.size(data.count)), more than the limit of \(ZipReader.size(limits.maxArchiveBytes)); leave large files (data sets, images) out of the solution")
        }
        let reader = ZipReader(bytes: [UInt8](data), limits: limits)
        let entries = try reader.entries()
        let regular = entries.filter { $0.kind == .file && !$0.isMacMetadata }

        let root = solutionRoot(regular.map(\.path))
        let prefix = root.map { $0 + "/" } ?? ""
        let blueprintPath = prefix + "blueprint.json"
        var declared = 0
        for entry in regular {
            let (sum, overflow) = declared.addingReportingOverflow(entry.uncompressedSize)
            declared = sum
            if overflow || declared > limits.maxTotalBytes {
                throw ZipReader.tooLarge("the entries declare more than \(ZipReader.size(limits.maxTotalBytes)) uncompressed in all (the limit; '\(entry.shown)' passes it); leave large files out of the solution")
            }
            if entry.path == blueprintPath, entry.uncompressedSize > limits.maxBlueprintBytes {
                throw blueprintTooLarge(entry, "declares \(ZipReader.size(entry.uncompressedSize))", limits: limits)
            }
        }

        var produced = 0
        var files: [String: Data] = [:]
        for entry in regular {
            let contents: Data
            if entry.path == blueprintPath, limits.maxBlueprintBytes < limits.maxEntryBytes {
                contents = try reader.extract(entry, cap: limits.maxBlueprintBytes, produced: &produced) {
                    blueprintTooLarge(entry, "expands past \(ZipReader.size(limits.maxBlueprintBytes))", limits: limits)
                }
            } else {
                contents = try reader.extract(entry, cap: limits.maxEntryBytes, produced: &produced) {
                    ZipReader.tooLarge("entry '\(entry.shown)' expands past \(ZipReader.size(limits.maxEntryBytes)), the limit per entry (its header declares \(ZipReader.size(entry.uncompressedSize))); leave large files out of the solution")
                }
            }
            files[String(entry.path.dropFirst(prefix.count))] = contents
        }

        var archive = SolutionArchive(files: files, topFolder: root, blueprint: nil, manifests: [], protos: [:], modelName: nil)
        if let blueprint = files["blueprint.json"] {
            _ = try text(blueprint, prefix + "blueprint.json")
            archive.blueprint = blueprint
        }
        for path in files.keys.sorted() {
            guard let contents = files[path] else { continue }
            if let name = child(of: "deployments/", path) {
                let lower = name.lowercased()
                if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
                    archive.manifests.append((path, try text(contents, prefix + path)))
                }
            } else if let name = child(of: "microservice/", path), name.hasSuffix(".proto"), name.count > ".proto".count {
                archive.protos[String(name.dropLast(".proto".count))] = contents
            }
        }
        if let model = files["modelname.txt"] {
            let name = try text(model, prefix + "modelname.txt").trimmingCharacters(in: .whitespacesAndNewlines)
            archive.modelName = name.isEmpty ? nil : name
        }
        return archive
    }

    /// The top folder to strip: when no solution file lies at the root and every file is
    /// under one folder.
    static func solutionRoot(_ paths: [String]) -> String? {
        let atRoot = paths.contains { $0 == "blueprint.json" || $0 == "modelname.txt" || $0.hasPrefix("deployments/") }
        guard !atRoot, let first = paths.first, let slash = first.firstIndex(of: "/") else { return nil }
        let top = String(first[..<slash])
        return paths.allSatisfy { $0.hasPrefix(top + "/") } ? top : nil
    }

    /// The file name of `path` when it lies directly in `folder` (which ends with `/`).
    static func child(of folder: String, _ path: String) -> String? {
        guard path.hasPrefix(folder) else { return nil }
        let name = path.dropFirst(folder.count)
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }

    static func text(_ data: Data, _ path: String) throws(ArchiveError) -> String {
        let text = String(decoding: data, as: UTF8.self)
        guard text.utf8.elementsEqual(data) else {
            throw ZipReader.invalid("'\(ZipReader.shown(path))' is not UTF-8 text; save it as UTF-8 and rebuild the zip")
        }
        return text
    }

    static func blueprintTooLarge(_ entry: ZipReader.Entry, _ what: String, limits: ArchiveLimits) -> ArchiveError {
        ZipReader.tooLarge("'\(entry.shown)' \(what), more than the limit of \(ZipReader.size(limits.maxBlueprintBytes)) for a blueprint; a blueprint is a few KiB, check that the right file was zipped as blueprint.json")
    }
}

/// The structure of a zip archive, checked against the bytes it is in, and its entries'
/// contents within limits.
struct ZipReader {
    let bytes: [UInt8]
    let limits: ArchiveLimits

    struct Entry {
        enum Kind { case file, folder }
        /// Normalised path, without a trailing `/`.
        var path: String
        /// The name as stored, control characters escaped, for messages.
        var shown: String
        var kind: Kind
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var dataStart: Int

        /// macOS Finder's resource forks (`__MACOSX/…`): skipped.
        var isMacMetadata: Bool { path == "__MACOSX" || path.hasPrefix("__MACOSX/") }
    }

    static let archiveName = SolutionBundle.zipName
    static let rebuild = "rebuild the zip from the solution folder"

    static func invalid(_ text: String) -> ArchiveError { ArchiveError(.invalid, "\(archiveName): \(text)") }
    static func tooLarge(_ text: String) -> ArchiveError { ArchiveError(.tooLarge, "\(archiveName): \(text)") }

    /// `16 MiB`, `512 KiB` or `1234 bytes`.
    static func size(_ n: Int) -> String {
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return n == 1 ? "1 byte" : "\(n) bytes"
    }

    /// A name for a message: control characters escaped, at most 200 characters.
    static func shown(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if out.unicodeScalars.count >= 200 {
                out += "…"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Little-endian fields. Callers check the bounds first.

    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
    /// A 64-bit size or offset as Int; values past Int.max saturate (and are refused as
    /// lying outside the archive).
    func int64(_ at: Int) -> Int { Int(clamping: u64(at)) }

    static let endOfDirectory = 0x0605_4b50
    static let zip64Locator = 0x0706_4b50
    static let zip64End = 0x0606_4b50
    static let centralHeader = 0x0201_4b50
    static let localHeader = 0x0403_4b50

    // MARK: The central directory

    /// Every entry, its name, type, sizes and data range checked; in archive order.
    func entries() throws(ArchiveError) -> [Entry] {
        let count = bytes.count
        let notZip = Self.invalid("not a zip archive (no end-of-central-directory record in its \(Self.size(count))); send the solution.zip that kubeprint convert wrote, whole")
        guard count >= 22 else { throw notZip }
        var end = -1
        var at = count - 22
        while at >= max(0, count - 22 - 0xFFFF) {
            if u32(at) == Self.endOfDirectory, u16(at + 20) <= count - 22 - at {
                end = at
                break
            }
            at -= 1
        }
        guard end >= 0 else { throw notZip }
        var disk = u16(end + 4)
        var directoryDisk = u16(end + 6)
        var onThisDisk = u16(end + 8)
        var entryCount = u16(end + 10)
        var directorySize = u32(end + 12)
        var directoryStart = u32(end + 16)
        var directoryLimit = end
        if end >= 20, u32(end - 20) == Self.zip64Locator {
            let locator = end - 20
            let recordStart = int64(locator + 8)
            guard locator >= 56, recordStart <= locator - 56, u32(recordStart) == Self.zip64End else {
                throw Self.invalid("the archive is damaged or truncated (its ZIP64 end record is missing); upload the whole file again, or \(Self.rebuild)")
            }
            // The locator's disk of the record and its count of disks, then the record's own fields.
            disk = u32(locator + 4) == 0 && u32(locator + 16) <= 1 ? u32(recordStart + 16) : 1
            directoryDisk = u32(recordStart + 20)
            onThisDisk = int64(recordStart + 24)
            entryCount = int64(recordStart + 32)
            directorySize = int64(recordStart + 40)
            directoryStart = int64(recordStart + 48)
            directoryLimit = recordStart
        }
        guard disk == 0, directoryDisk == 0, onThisDisk == entryCount else {
            throw Self.invalid("the archive is split across several files (a spanned or split zip); \(Self.rebuild) as one file")
        }
        guard entryCount <= limits.maxEntries else {
            throw Self.tooLarge("the archive has \(entryCount) entries, more than the limit of \(limits.maxEntries); a solution holds a few dozen files, \(Self.rebuild)")
        }
        guard directoryStart <= directoryLimit, directorySize <= directoryLimit - directoryStart,
              entryCount <= directorySize / 46
        else {
            throw Self.invalid("the archive is truncated or damaged (its central directory lies outside the file); upload the whole file again, or \(Self.rebuild)")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var spans: [(start: Int, end: Int, name: String)] = []
        var kinds: [String: Entry.Kind] = [:]
        let directoryEnd = directoryStart + directorySize
        at = directoryStart
        for index in 0..<entryCount {
            guard directoryEnd - at >= 46, u32(at) == Self.centralHeader else {
                throw Self.invalid("the archive is damaged (central directory entry \(index + 1) of \(entryCount) is unreadable); \(Self.rebuild)")
            }
            let nameLength = u16(at + 28), extraLength = u16(at + 30), commentLength = u16(at + 32)
            guard nameLength + extraLength + commentLength <= directoryEnd - at - 46 else {
                throw Self.invalid("the archive is damaged (central directory entry \(index + 1) of \(entryCount) runs past the directory); \(Self.rebuild)")
            }
            let nameBytes = bytes[(at + 46)..<(at + 46 + nameLength)]
            let entry = try header(at: at, name: nameBytes, extra: (at + 46 + nameLength, extraLength),
                                   directoryStart: directoryStart, spans: &spans)
            if let earlier = kinds[entry.path] {
                if earlier == .file || entry.kind == .file {
                    throw Self.invalid("entry '\(entry.shown)' appears twice (as \(earlier == .file ? "a file" : "a folder") and as \(entry.kind == .file ? "a file" : "a folder")); \(Self.rebuild)")
                }
            } else {
                kinds[entry.path] = entry.kind
            }
            entries.append(entry)
            at += 46 + nameLength + extraLength + commentLength
        }

        // Entries sharing bytes are how overlapping-entry zip bombs multiply one deflate stream.
        spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        for (a, b) in zip(spans, spans.dropFirst()) where a.end > b.start {
            throw Self.invalid("entries '\(a.name)' and '\(b.name)' share bytes of the archive (overlapping entries are a zip bomb technique); \(Self.rebuild)")
        }
        // A file that is also the folder of another entry.
        for entry in entries {
            var parent = entry.path
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                if kinds[parent] == .file {
                    throw Self.invalid("'\(Self.shown(parent))' is a file, and entry '\(entry.shown)' lies inside it as if it were a folder; \(Self.rebuild)")
                }
            }
        }
        return entries
    }

    /// One central directory header and the local header it points to.
    func header(at: Int, name nameBytes: ArraySlice<UInt8>, extra: (start: Int, length: Int), directoryStart: Int,
                spans: inout [(start: Int, end: Int, name: String)]) throws(ArchiveError) -> Entry
    {
        let decoded = String(decoding: nameBytes, as: UTF8.self)
        let shown = Self.shown(decoded)
        let (path, endsWithSlash) = try Self.normalise(nameBytes, decoded: decoded, shown: shown)
        let madeBy = u16(at + 4) >> 8, flags = u16(at + 8), method = u16(at + 10)
        let external = u32(at + 38)

        var kind: Entry.Kind = endsWithSlash ? .folder : .file
        switch madeBy {
        case 3, 19:  // Unix, macOS: the mode is in the upper half of the external attributes
            switch (external >> 16) & 0o170000 {
            case 0o120000:
                throw Self.invalid("entry '\(shown)' is a symbolic link (only regular files and folders are read); replace the link by the file it points to and \(Self.rebuild)")
            case 0o040000: kind = .folder
            default: break  // a regular file; so are the bytes of a pipe zipped from standard input
            }
        case 0, 10, 11, 14:  // MS-DOS, NTFS, VFAT: the directory attribute
            if external & 0x10 != 0 { kind = .folder }
        default: break
        }
        if flags & 0x2041 != 0 {
            throw Self.invalid("entry '\(shown)' is encrypted; zip the solution without a password")
        }
        if kind == .file, method != 0, method != 8 {
            throw Self.invalid("entry '\(shown)' is compressed with method \(method) (only stored and deflate are read); rebuild the zip with the default compression of zip, 7-Zip, Finder or kubeprint convert")
        }

        var compressedSize = u32(at + 20), uncompressedSize = u32(at + 24)
        var localStart = u32(at + 42), disk = u16(at + 34)
        if compressedSize == 0xFFFF_FFFF || uncompressedSize == 0xFFFF_FFFF || localStart == 0xFFFF_FFFF || disk == 0xFFFF {
            guard let field = zip64Field(extra) else {
                throw Self.invalid("entry '\(shown)' is damaged (its ZIP64 sizes are missing); \(Self.rebuild)")
            }
            var next = field.lowerBound
            func take(_ width: Int) -> Int? {
                guard field.upperBound - next >= width else { return nil }
                defer { next += width }
                return width == 8 ? int64(next) : u32(next)
            }
            var complete = true
            if uncompressedSize == 0xFFFF_FFFF { if let v = take(8) { uncompressedSize = v } else { complete = false } }
            if compressedSize == 0xFFFF_FFFF { if let v = take(8) { compressedSize = v } else { complete = false } }
            if localStart == 0xFFFF_FFFF { if let v = take(8) { localStart = v } else { complete = false } }
            if disk == 0xFFFF { if let v = take(4) { disk = v } else { complete = false } }
            guard complete else {
                throw Self.invalid("entry '\(shown)' is damaged (its ZIP64 sizes are incomplete); \(Self.rebuild)")
            }
        }
        guard disk == 0 else {
            throw Self.invalid("the archive is split across several files (entry '\(shown)' is on another part); \(Self.rebuild) as one file")
        }

        guard directoryStart >= 30, localStart <= directoryStart - 30, u32(localStart) == Self.localHeader else {
            throw Self.invalid("entry '\(shown)' is damaged or truncated (its local header is missing); upload the whole file again, or \(Self.rebuild)")
        }
        let localNameLength = u16(localStart + 26), localExtraLength = u16(localStart + 28)
        guard localNameLength + localExtraLength <= directoryStart - localStart - 30 else {
            throw Self.invalid("entry '\(shown)' is damaged or truncated (its local header runs into the central directory); \(Self.rebuild)")
        }
        guard bytes[(localStart + 30)..<(localStart + 30 + localNameLength)].elementsEqual(nameBytes) else {
            throw Self.invalid("entry '\(shown)' is named differently in its local header (a damaged or crafted zip); \(Self.rebuild)")
        }
        let dataStart = localStart + 30 + localNameLength + localExtraLength
        guard compressedSize <= directoryStart - dataStart else {
            throw Self.invalid("entry '\(shown)' is truncated (its \(Self.size(compressedSize)) of data run past the end of the entries); upload the whole file again, or \(Self.rebuild)")
        }
        spans.append((localStart, dataStart + compressedSize, shown))

        if kind == .file {
            if uncompressedSize > limits.maxEntryBytes {
                throw Self.tooLarge("entry '\(shown)' declares \(Self.size(uncompressedSize)) uncompressed, more than the limit of \(Self.size(limits.maxEntryBytes)) per entry; leave large files out of the solution")
            }
            if uncompressedSize > ArchiveLimits.ratioCheckedFrom, exceedsRatio(uncompressedSize, compressedSize) {
                throw Self.tooLarge(ratioMessage(shown, compressedSize, uncompressedSize, declared: true))
            }
            if method == 0, compressedSize != uncompressedSize {
                throw Self.invalid("entry '\(shown)' is stored uncompressed but its two sizes differ (\(compressedSize) and \(uncompressedSize) bytes); \(Self.rebuild)")
            }
        }
        return Entry(path: path, shown: shown, kind: kind, method: method, crc: UInt32(u32(at + 16)),
                     compressedSize: compressedSize, uncompressedSize: uncompressedSize, dataStart: dataStart)
    }

    /// The data of the ZIP64 extended information extra field (id 1).
    func zip64Field(_ extra: (start: Int, length: Int)) -> Range<Int>? {
        var at = extra.start
        let end = extra.start + extra.length
        while end - at >= 4 {
            let id = u16(at), length = u16(at + 2)
            guard length <= end - at - 4 else { return nil }
            if id == 1 { return (at + 4)..<(at + 4 + length) }
            at += 4 + length
        }
        return nil
    }

    /// A name as a relative path: refused when not UTF-8, absolute, climbing with `..`, holding
    /// a backslash or a control character; `.` components and doubled slashes are dropped.
    static func normalise(_ raw: ArraySlice<UInt8>, decoded: String, shown: String) throws(ArchiveError) -> (String, Bool) {
        guard !raw.isEmpty else {
            throw invalid("an entry has an empty name; \(rebuild)")
        }
        guard decoded.utf8.elementsEqual(raw) else {
            throw invalid("entry '\(shown)' has a name that is not UTF-8; rename the file (solution files have ASCII names) and \(rebuild)")
        }
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw invalid("entry '\(shown)' has a control character (such as NUL or a line break) in its name; rename the file and \(rebuild)")
        }
        if decoded.contains("\\") {
            throw invalid("entry '\(shown)' contains a backslash (zip names separate folders with '/'; a backslash is a Windows path separator); \(rebuild) with a tool that writes '/' (zip, 7-Zip, Finder, kubeprint convert)")
        }
        let scalars = Array(decoded.unicodeScalars.prefix(2))
        let drive = scalars.count == 2 && scalars[1] == ":" && scalars[0].isASCII && scalars[0].properties.isAlphabetic
        if decoded.hasPrefix("/") || drive {
            throw invalid("entry '\(shown)' is an absolute path (names must be relative to the solution folder); \(rebuild)")
        }
        let components = decoded.split(separator: "/").filter { $0 != "." }
        if components.contains("..") {
            throw invalid("entry '\(shown)' leaves the archive (names must be relative, without '..'); \(rebuild)")
        }
        let endsWithSlash = decoded.hasSuffix("/")
        let path = components.joined(separator: "/")
        if path.isEmpty, !endsWithSlash {
            throw invalid("entry '\(shown)' has no file name; \(rebuild)")
        }
        return (path, endsWithSlash || path.isEmpty)
    }

    func exceedsRatio(_ uncompressed: Int, _ compressed: Int) -> Bool {
        let (bound, overflow) = compressed.multipliedReportingOverflow(by: max(limits.maxRatio, 0))
        return !overflow && uncompressed > bound
    }

    func ratioMessage(_ shown: String, _ compressed: Int, _ uncompressed: Int, declared: Bool) -> String {
        let what = declared ? "declares \(Self.size(uncompressed)) from" : "expands past \(Self.size(uncompressed)) from"
        return "entry '\(shown)' \(what) \(Self.size(compressed)) compressed, more than \(limits.maxRatio) times its size (only zip bombs compress that well); \(Self.rebuild)"
    }

    // MARK: Contents

    /// The entry's bytes. Every chunk decompression produces is counted before it is kept:
    /// past `cap` bytes for the entry (the error is `overCap`'s), past the total limit
    /// (`produced` counts all entries) or past the ratio limit it stops with
    /// ``ArchiveError/Kind/tooLarge``, whatever the header declared. The result must then have
    /// the declared size and checksum.
    func extract(_ entry: Entry, cap: Int, produced: inout Int, overCap: () -> ArchiveError) throws(ArchiveError) -> Data {
        var data = Data()
        data.reserveCapacity(entry.uncompressedSize)
        var count = 0
        var crc: UInt = 0
        func take(_ chunk: UnsafeRawBufferPointer) -> ArchiveError? {
            count += chunk.count
            produced += chunk.count
            if count > cap { return overCap() }
            if produced > limits.maxTotalBytes {
                return Self.tooLarge("the entries expand past \(Self.size(limits.maxTotalBytes)) in all, the limit (at entry '\(entry.shown)'); leave large files out of the solution")
            }
            if count > ArchiveLimits.ratioCheckedFrom, exceedsRatio(count, entry.compressedSize) {
                return Self.tooLarge(ratioMessage(entry.shown, entry.compressedSize, count, declared: false))
            }
            data.append(chunk.bindMemory(to: UInt8.self))
            crc = Self.crc32(crc, chunk)
            return nil
        }
        let range = entry.dataStart..<(entry.dataStart + entry.compressedSize)
        if entry.method == 0 || (entry.compressedSize == 0 && entry.uncompressedSize == 0) {
            let stop = bytes.withUnsafeBytes { whole in take(UnsafeRawBufferPointer(rebasing: whole[range])) }
            if let stop { throw stop }
        } else {
            switch inflate(range, into: take) {
            case .finished: break
            case .stopped(let error): throw error
            case .truncated:
                throw Self.invalid("entry '\(entry.shown)' is truncated (its compressed data end before the deflate stream does); upload the whole file again, or \(Self.rebuild)")
            case .damaged(let reason):
                throw Self.invalid("entry '\(entry.shown)' is damaged (\(reason)); \(Self.rebuild)")
            }
        }
        guard count == entry.uncompressedSize else {
            throw Self.invalid("entry '\(entry.shown)' holds \(Self.size(count)), not the \(Self.size(entry.uncompressedSize)) its header declares (a damaged or crafted zip); \(Self.rebuild)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc else {
            throw Self.invalid("entry '\(entry.shown)' is damaged (its CRC-32 checksum does not match); upload the whole file again, or \(Self.rebuild)")
        }
        return data
    }

    static func crc32(_ seed: UInt, _ chunk: UnsafeRawBufferPointer) -> UInt {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return seed }
        var crc = uLong(seed)
        var done = 0
        while done < chunk.count {
            let n = min(chunk.count - done, 1 << 30)
            crc = zlibCRC32(crc, (base + done).assumingMemoryBound(to: Bytef.self), uInt(n))
            done += n
        }
        return UInt(crc)
    }

    enum InflateEnd {
        case finished
        case stopped(ArchiveError)
        case truncated
        case damaged(String)
    }

    /// Raw deflate over exactly `range` of the archive, in 64 KiB chunks handed to `take`
    /// (which may stop it). Ends when the stream does, when the input runs out before it
    /// (truncated), or at the first error; each step consumes input or produces output, so it
    /// always ends.
    func inflate(_ range: Range<Int>, into take: (UnsafeRawBufferPointer) -> ArchiveError?) -> InflateEnd {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .damaged("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 64 << 10
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { output.deallocate() }
        return bytes.withUnsafeBufferPointer { whole -> InflateEnd in
            guard let base = whole.baseAddress else { return .truncated }
            var next = range.lowerBound
            while true {
                if stream.avail_in == 0, next < range.upperBound {
                    let n = min(range.upperBound - next, 1 << 30)
                    stream.next_in = UnsafeMutablePointer(mutating: base + next)
                    stream.avail_in = uInt(n)
                    next += n
                }
                stream.next_out = output
                stream.avail_out = uInt(chunkSize)
                let status = zlibInflate(&stream, Z_NO_FLUSH)
                let made = chunkSize - Int(stream.avail_out)
                if made > 0, let stop = take(UnsafeRawBufferPointer(start: output, count: made)) {
                    return .stopped(stop)
                }
                switch status {
                case Z_OK: continue
                case Z_STREAM_END: return .finished
                case Z_BUF_ERROR:
                    return stream.avail_in == 0 && next >= range.upperBound ? .truncated : .damaged("zlib made no progress")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .damaged("deflate data: \(reason)")
                }
            }
        }
    }
}

// zlib's functions under names of their own (`inflate` and `crc32` are also names here).
private func zlibInflate(_ stream: UnsafeMutablePointer<z_stream>, _ flush: Int32) -> Int32 { inflate(stream, flush) }
private func zlibCRC32(_ crc: uLong, _ buffer: UnsafePointer<Bytef>, _ length: uInt) -> uLong { crc32(crc, buffer, length) }
