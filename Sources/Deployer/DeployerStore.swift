import Foundation
import GRDB
import KubeAPI
import Synchronization

/// What a solution is: a pipeline (a blueprint) or a single model (one image).
public enum SolutionKind: String, Sendable, Codable {
    case pipeline
    case singleModel = "single-model"
}

/// One stored revision of a solution.
public struct RevisionRecord: Sendable, Equatable {
    public var solutionID: String
    public var revisionID: String
    public var solutionName: String
    public var kind: SolutionKind
    /// blueprint.json as uploaded (pipelines).
    public var blueprint: String?
    /// The model's image (single models).
    public var image: String?
    /// Proto files by node name.
    public var protos: [String: Data]
    public var created: String
}

/// Where a deployment is.
public enum DeploymentStatus: String, Sendable, Codable, CaseIterable {
    /// The solution is being built and its objects applied.
    case deploying
    /// Every object is applied; pods are being scheduled, pulled and started.
    case starting
    /// Every Deployment of the namespace has its replicas available.
    case ready
    case failed
    /// Its namespace was deleted.
    case deleted

    /// Still being written by a request: after a restart such a deployment was interrupted.
    var isInFlight: Bool { self == .deploying }
}

/// One step of a deployment's timeline.
public struct TimelineEntry: Sendable, Equatable {
    public var at: String
    public var status: DeploymentStatus
    public var message: String
}

/// A deployment of a solution into a namespace of the playground.
public struct DeploymentRecord: Sendable, Equatable {
    public var id: String
    public var user: String
    public var solutionID: String?
    public var revisionID: String?
    public var solutionName: String
    public var namespace: String
    public var status: DeploymentStatus
    public var reason: String?
    public var created: String
    public var updated: String
    /// blueprint.json of the deployed solution (pipeline runs follow its links).
    public var blueprint: String?
    public var timeline: [TimelineEntry]
    /// The summary of the last pipeline runs, as JSON.
    public var lastRuns: String?
}

/// A store failure, in words.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The deployer's embedded store: SQLite through GRDB, in WAL mode, with migrations. Every change
/// is one transaction, so a `kill -9` leaves either the old or the new state, never half of one.
public final class DeployerStore: Sendable {
    let pool: DatabasePool
    public let path: String
    /// Deployments read since their last change: this process is the store's only writer, so a
    /// status poll needs no query. Every write of a deployment drops its entry.
    private let cached = Mutex(DeploymentCache())

    struct DeploymentCache {
        var records: [String: DeploymentRecord] = [:]
        /// Bumped by every write: a read that began before a write does not fill the cache.
        var writes = 0
    }

    private func invalidate(_ id: String) {
        cached.withLock {
            $0.records[id] = nil
            $0.writes += 1
        }
    }

    /// Opens (or creates) the store at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // WAL with synchronous=NORMAL survives a killed process (not a power loss) without an fsync per commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the store '\(path)': \(Self.words(error))")
        }
    }

    static func words(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE solution (
                    id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, created TEXT NOT NULL);
                CREATE TABLE revision (
                    solutionId TEXT NOT NULL REFERENCES solution(id), id TEXT NOT NULL,
                    blueprint TEXT, image TEXT, created TEXT NOT NULL, PRIMARY KEY (solutionId, id));
                CREATE TABLE revisionProto (
                    solutionId TEXT NOT NULL, revisionId TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
                    PRIMARY KEY (solutionId, revisionId, name), FOREIGN KEY (solutionId, revisionId) REFERENCES revision(solutionId, id));
                CREATE TABLE deployment (
                    id TEXT PRIMARY KEY NOT NULL, user TEXT NOT NULL, solutionId TEXT, revisionId TEXT,
                    solutionName TEXT NOT NULL, namespace TEXT NOT NULL UNIQUE, status TEXT NOT NULL, reason TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL, blueprint TEXT, lastRuns TEXT);
                CREATE INDEX deploymentByUser ON deployment(user, created);
                CREATE TABLE deploymentEvent (
                    deploymentId TEXT NOT NULL REFERENCES deployment(id), seq INTEGER NOT NULL, at TEXT NOT NULL,
                    status TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (deploymentId, seq));
                CREATE TABLE userNamespace (
                    name TEXT PRIMARY KEY NOT NULL, user TEXT NOT NULL, deploymentId TEXT NOT NULL);
                CREATE TABLE desiredObject (
                    resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (resource, namespace, name));
                """)
        }
        m.registerMigration("v2: desired objects by order") { db in
            // The next order number is MAX(seq): without an index every save scanned the table.
            try db.execute(sql: "CREATE INDEX desiredObjectBySeq ON desiredObject(seq)")
        }
        m.registerMigration("v3: solution owners") { db in
            // Who uploaded a solution's first revision: only they add revisions to it.
            try db.execute(sql: "ALTER TABLE solution ADD COLUMN owner TEXT")
        }
        return m
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }

    // MARK: Solutions and revisions

    /// What adding a revision did.
    public enum AddResult: Sendable, Equatable {
        case added
        /// The revision exists already (a 409).
        case exists
        /// The solution is another user's (a 403).
        case notOwner
        /// The solution is of the other kind (a 409).
        case otherKind(String)
    }

    /// Stores a new revision of a solution `owner` uploaded first (or creates the solution).
    public func addRevision(_ r: RevisionRecord, owner: String) throws(StoreError) -> AddResult {
        do {
            return try pool.write { db -> AddResult in
                if let row = try Row.fetchOne(db, sql: "SELECT name, kind, owner FROM solution WHERE id = ?", arguments: [r.solutionID]) {
                    let kind: String = row["kind"]
                    let existingOwner: String? = row["owner"]
                    if let existingOwner, existingOwner != owner { return .notOwner }
                    if try Row.fetchOne(db, sql: "SELECT 1 FROM revision WHERE solutionId = ? AND id = ?", arguments: [r.solutionID, r.revisionID]) != nil {
                        return .exists
                    }
                    if kind != r.kind.rawValue { return .otherKind(kind) }
                    try db.execute(sql: "UPDATE solution SET name = ? WHERE id = ?", arguments: [r.solutionName, r.solutionID])
                } else {
                    try db.execute(sql: "INSERT INTO solution (id, name, kind, created, owner) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [r.solutionID, r.solutionName, r.kind.rawValue, r.created, owner])
                }
                try db.execute(sql: "INSERT INTO revision (solutionId, id, blueprint, image, created) VALUES (?, ?, ?, ?, ?)",
                               arguments: [r.solutionID, r.revisionID, r.blueprint, r.image, r.created])
                for (name, data) in r.protos.sorted(by: { $0.key < $1.key }) {
                    try db.execute(sql: "INSERT INTO revisionProto (solutionId, revisionId, name, data) VALUES (?, ?, ?, ?)",
                                   arguments: [r.solutionID, r.revisionID, name, data])
                }
                return .added
            }
        } catch {
            throw StoreError("cannot store revision \(r.revisionID): \(Self.words(error))")
        }
    }

    public func revision(solution: String, revision: String) throws(StoreError) -> RevisionRecord? {
        do {
            return try pool.read { db -> RevisionRecord? in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT s.name, s.kind, r.blueprint, r.image, r.created FROM revision r JOIN solution s ON s.id = r.solutionId
                    WHERE r.solutionId = ? AND r.id = ?
                    """, arguments: [solution, revision]) else { return nil }
                var protos: [String: Data] = [:]
                for p in try Row.fetchAll(db, sql: "SELECT name, data FROM revisionProto WHERE solutionId = ? AND revisionId = ?",
                                          arguments: [solution, revision]) {
                    protos[p["name"]] = p["data"]
                }
                let kindText: String = row["kind"]
                return RevisionRecord(solutionID: solution, revisionID: revision, solutionName: row["name"],
                                      kind: SolutionKind(rawValue: kindText) ?? .pipeline, blueprint: row["blueprint"], image: row["image"],
                                      protos: protos, created: row["created"])
            }
        } catch {
            throw StoreError("cannot read revision \(revision): \(Self.words(error))")
        }
    }

    // MARK: Deployments

    /// Why a new deployment cannot start.
    public enum Conflict: Error, Sendable, Equatable {
        /// The same user is deploying the same revision right now.
        case inFlight(id: String)
    }

    /// Inserts a deployment in `deploying`, with a namespace of its own: `base`, or `base-2`, `base-3`…
    /// when taken (in the store or by `taken`). One transaction, so two concurrent deploys never
    /// get the same namespace, and a second deploy of a revision the user is deploying is refused.
    public func beginDeployment(user: String, solutionID: String?, revisionID: String?, solutionName: String, namespaceBase: String,
                                blueprint: String?, taken: Set<String>) throws(StoreError) -> Result<DeploymentRecord, Conflict>
    {
        do {
            return try pool.write { db -> Result<DeploymentRecord, Conflict> in
                if let solutionID, let revisionID,
                   let row = try Row.fetchOne(db, sql: "SELECT id FROM deployment WHERE user = ? AND solutionId = ? AND revisionId = ? AND status = ?",
                                              arguments: [user, solutionID, revisionID, DeploymentStatus.deploying.rawValue])
                {
                    return .failure(.inFlight(id: row["id"]))
                }
                var namespace = namespaceBase
                var n = 1
                func used(_ name: String) throws -> Bool {
                    try taken.contains(name) || Row.fetchOne(db, sql: "SELECT 1 FROM deployment WHERE namespace = ?", arguments: [name]) != nil
                }
                while try used(namespace) {
                    n += 1
                    let suffix = "-\(n)"
                    namespace = String(namespaceBase.prefix(63 - suffix.count)).trimmingTrailingDashes() + suffix
                }
                let now = Self.now()
                let record = DeploymentRecord(id: UUID().uuidString.lowercased(), user: user, solutionID: solutionID, revisionID: revisionID,
                                              solutionName: solutionName, namespace: namespace, status: .deploying, reason: nil,
                                              created: now, updated: now, blueprint: blueprint,
                                              timeline: [TimelineEntry(at: now, status: .deploying, message: "building the solution for namespace \(namespace)")],
                                              lastRuns: nil)
                try db.execute(sql: """
                    INSERT INTO deployment (id, user, solutionId, revisionId, solutionName, namespace, status, created, updated, blueprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [record.id, user, solutionID, revisionID, solutionName, namespace, record.status.rawValue, now, now, blueprint])
                try db.execute(sql: "INSERT INTO userNamespace (name, user, deploymentId) VALUES (?, ?, ?)", arguments: [namespace, user, record.id])
                try Self.appendEvent(db, id: record.id, entry: record.timeline[0])
                return .success(record)
            }
        } catch {
            throw StoreError("cannot record the deployment: \(Self.words(error))")
        }
    }

    static func appendEvent(_ db: Database, id: String, entry: TimelineEntry) throws {
        let seq = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM deploymentEvent WHERE deploymentId = ?", arguments: [id]) ?? 1
        try db.execute(sql: "INSERT INTO deploymentEvent (deploymentId, seq, at, status, message) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, seq, entry.at, entry.status.rawValue, entry.message])
    }

    /// Moves a deployment to `status` with a timeline entry (and the reason, for failures).
    public func setStatus(_ id: String, _ status: DeploymentStatus, message: String, reason: String? = nil) throws(StoreError) {
        _ = try transition(id, from: nil, to: status, message: message, reason: reason)
    }

    /// Moves a deployment to `status` only if it is in `from` now (any status with nil), in one
    /// transaction, so two requests that see the same change record it once. True when it moved.
    public func transition(_ id: String, from: DeploymentStatus?, to status: DeploymentStatus, message: String,
                           reason: String? = nil) throws(StoreError) -> Bool
    {
        defer { invalidate(id) }
        do {
            return try pool.write { db in
                let now = Self.now()
                if let from {
                    try db.execute(sql: "UPDATE deployment SET status = ?, reason = COALESCE(?, reason), updated = ? WHERE id = ? AND status = ?",
                                   arguments: [status.rawValue, reason, now, id, from.rawValue])
                } else {
                    try db.execute(sql: "UPDATE deployment SET status = ?, reason = COALESCE(?, reason), updated = ? WHERE id = ?",
                                   arguments: [status.rawValue, reason, now, id])
                }
                guard db.changesCount > 0 else { return false }
                try Self.appendEvent(db, id: id, entry: TimelineEntry(at: now, status: status, message: message))
                return true
            }
        } catch {
            throw StoreError("cannot update deployment \(id): \(Self.words(error))")
        }
    }

    /// Keeps the summary of the last pipeline runs.
    public func setLastRuns(_ id: String, json: String) throws(StoreError) {
        defer { invalidate(id) }
        do {
            try pool.write { db in
                try db.execute(sql: "UPDATE deployment SET lastRuns = ?, updated = ? WHERE id = ?", arguments: [json, Self.now(), id])
            }
        } catch {
            throw StoreError("cannot update deployment \(id): \(Self.words(error))")
        }
    }

    public func deployment(_ id: String) throws(StoreError) -> DeploymentRecord? {
        let (hit, writes) = cached.withLock { ($0.records[id], $0.writes) }
        if let hit { return hit }
        do {
            let found = try pool.read { db in try Self.fetchDeployments(db, where: "id = ?", [id]).first }
            if let found {
                cached.withLock {
                    guard $0.writes == writes else { return }
                    if $0.records.count >= 10_000 { $0.records.removeAll(keepingCapacity: true) }
                    $0.records[id] = found
                }
            }
            return found
        } catch {
            throw StoreError("cannot read deployment \(id): \(Self.words(error))")
        }
    }

    /// A user's deployments, oldest first (every user's with nil).
    public func deployments(user: String?) throws(StoreError) -> [DeploymentRecord] {
        do {
            return try pool.read { db in
                if let user { return try Self.fetchDeployments(db, where: "user = ?", [user]) }
                return try Self.fetchDeployments(db, where: "1", [])
            }
        } catch {
            throw StoreError("cannot list deployments: \(Self.words(error))")
        }
    }

    static func fetchDeployments(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [DeploymentRecord] {
        // Cached statements: status requests are the hot path, and preparing costs more than running.
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM deployment WHERE \(clause) ORDER BY created, id"), arguments: arguments)
        let eventStatement = try db.cachedStatement(sql: "SELECT at, status, message FROM deploymentEvent WHERE deploymentId = ? ORDER BY seq")
        return try rows.map { row in
            let id: String = row["id"]
            let events = try Row.fetchAll(eventStatement, arguments: [id])
            let statusText: String = row["status"]
            return DeploymentRecord(
                id: id, user: row["user"], solutionID: row["solutionId"], revisionID: row["revisionId"], solutionName: row["solutionName"],
                namespace: row["namespace"], status: DeploymentStatus(rawValue: statusText) ?? .failed, reason: row["reason"],
                created: row["created"], updated: row["updated"], blueprint: row["blueprint"],
                timeline: events.map { e in
                    let s: String = e["status"]
                    return TimelineEntry(at: e["at"], status: DeploymentStatus(rawValue: s) ?? .failed, message: e["message"])
                },
                lastRuns: row["lastRuns"])
        }
    }

    /// Who owns a namespace the deployer made (nil: none of the deployer's).
    public func namespaceOwner(_ name: String) throws(StoreError) -> String? {
        do {
            return try pool.read { db in try String.fetchOne(db, sql: "SELECT user FROM userNamespace WHERE name = ?", arguments: [name]) }
        } catch {
            throw StoreError("cannot read namespace \(name): \(Self.words(error))")
        }
    }

    // MARK: The playground's desired state

    /// Applies the playground's changes to its desired state, in one transaction.
    public func saveDesired(_ changes: [DesiredChange]) throws(StoreError) {
        guard !changes.isEmpty else { return }
        do {
            try pool.write { db in
                for c in changes {
                    switch c {
                    case .put(let o):
                        let seq = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM desiredObject") ?? 1
                        try db.execute(sql: """
                            INSERT INTO desiredObject (resource, namespace, name, body, seq) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (resource, namespace, name) DO UPDATE SET body = excluded.body
                            """, arguments: [o.resource, o.namespace, o.name, o.body, seq])
                    case .delete(let resource, let namespace, let name):
                        try db.execute(sql: "DELETE FROM desiredObject WHERE resource = ? AND namespace = ? AND name = ?",
                                       arguments: [resource, namespace, name])
                    }
                }
            }
        } catch {
            throw StoreError("cannot save the playground's state: \(Self.words(error))")
        }
    }

    /// The desired state, in the order the objects were first applied.
    public func desiredObjects() throws(StoreError) -> [DesiredObject] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT resource, namespace, name, body FROM desiredObject ORDER BY seq").map {
                    DesiredObject(resource: $0["resource"], namespace: $0["namespace"], name: $0["name"], body: $0["body"])
                }
            }
        } catch {
            throw StoreError("cannot read the playground's state: \(Self.words(error))")
        }
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): "ok" when intact.
    public func integrityCheck() throws(StoreError) -> String {
        do {
            return try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
        } catch {
            throw StoreError("cannot check the store: \(Self.words(error))")
        }
    }
}

extension String {
    func trimmingTrailingDashes() -> String {
        var s = self
        while s.hasSuffix("-") { s.removeLast() }
        return s
    }
}
