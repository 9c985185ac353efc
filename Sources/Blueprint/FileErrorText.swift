import Foundation

/// File errors in words, for messages that name the path and say what to do: never
/// Foundation's domain and code.
public enum FileErrorText {
    /// What went wrong, e.g. "no such file or folder", "permission denied".
    public static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileWriteFileExists: return "it already exists"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "it is not UTF-8 text"
        default: break
        }
        var isDirectory: ObjCBool = false
        if let path = ns.userInfo[NSFilePathErrorKey] as? String,
           FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
        {
            return "it is a folder, not a file"
        }
        return "it cannot be read"
    }

    /// Whether `path` is an existing folder (a common slip where a file is expected).
    public static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
