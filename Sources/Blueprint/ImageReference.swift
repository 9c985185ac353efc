/// Checks container image references against the Docker / OCI reference grammar
/// (`[registry[:port]/]path[:tag][@digest]`).
public enum ImageReference {
    /// A problem with an image reference and, where one can be derived, the corrected reference.
    public struct Problem: Hashable, Sendable {
        public var message: String
        public var suggestion: String?
    }

    /// `nil` when `reference` is valid; otherwise what is wrong with it.
    public static func problem(in reference: String) -> Problem? {
        problem(in: reference, suggesting: true)
    }

    /// A fix is offered only when it is itself valid; checking it never suggests again, so
    /// odd input (upper case that lower-casing does not remove) cannot recurse.
    static func isValid(_ reference: String) -> Bool {
        problem(in: reference, suggesting: false) == nil
    }

    static func problem(in reference: String, suggesting: Bool) -> Problem? {
        if reference.isEmpty { return Problem(message: "image is empty", suggestion: nil) }
        if let schemeEnd = reference.range(of: "://") {
            let rest = String(reference[schemeEnd.upperBound...])
            let scheme = String(reference[..<schemeEnd.lowerBound])
            return Problem(
                message: "image '\(reference)' starts with a URL scheme ('\(scheme)://'); image references have none",
                suggestion: suggesting && isValid(rest) ? rest : nil)
        }
        if reference.contains(where: { $0.isWhitespace }) {
            let trimmed = String(reference.filter { !$0.isWhitespace })
            return Problem(message: "image '\(reference)' contains white space",
                           suggestion: suggesting && isValid(trimmed) ? trimmed : nil)
        }
        if reference.count > 4096 { return Problem(message: "image reference is longer than 4096 characters", suggestion: nil) }

        var remainder = Substring(reference)
        if let at = remainder.firstIndex(of: "@") {
            let digest = remainder[remainder.index(after: at)...]
            remainder = remainder[..<at]
            let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 32,
                parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
            else {
                return Problem(message: "image '\(reference)' has an invalid digest '\(digest)' (expected algorithm:hex, e.g. sha256:…)", suggestion: nil)
            }
        }
        // A tag is after the last ':' that follows the last '/'.
        let lastSlash = remainder.lastIndex(of: "/")
        let tagSearchStart = lastSlash.map { remainder.index(after: $0) } ?? remainder.startIndex
        if let colon = remainder[tagSearchStart...].lastIndex(of: ":") {
            let tag = remainder[remainder.index(after: colon)...]
            remainder = remainder[..<colon]
            guard isValidTag(tag) else {
                return Problem(message: "image '\(reference)' has an invalid tag '\(tag)' (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')", suggestion: nil)
            }
        }
        var components = remainder.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty else { return Problem(message: "image '\(reference)' has no name", suggestion: nil) }
        if components.count > 1, isDomain(components[0]) {
            let domain = components.removeFirst()
            guard isValidDomain(domain) else {
                return Problem(message: "image '\(reference)' has an invalid registry host '\(domain)'", suggestion: nil)
            }
        }
        for component in components {
            if component.isEmpty {
                return Problem(message: "image '\(reference)' has an empty path component ('//' or a trailing '/')", suggestion: nil)
            }
            if component.contains(where: { $0.isUppercase }) {
                let fixed = lowercasingPath(of: reference)
                return Problem(message: "image '\(reference)' has upper case in its repository path ('\(component)'); repository names are lower case",
                               suggestion: suggesting && isValid(fixed) ? fixed : nil)
            }
            guard isValidPathComponent(component) else {
                return Problem(message: "image '\(reference)' has an invalid repository path component '\(component)' (lower-case letters and digits, separated by '.', '_', '__' or '-')", suggestion: nil)
            }
        }
        return nil
    }

    static func isDomain(_ s: Substring) -> Bool {
        s.contains(".") || s.contains(":") || s == "localhost" || s.contains(where: { $0.isUppercase })
    }

    static func isValidDomain(_ s: Substring) -> Bool {
        var host = s
        if let colon = s.lastIndex(of: ":"), !s.hasPrefix("[") || s[..<colon].hasSuffix("]") {
            let port = s[s.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            host = s[..<colon]
        }
        if host.hasPrefix("[") { return host.hasSuffix("]") && host.count > 2 }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            guard let f = label.first, let l = label.last else { return false }
            return f.isASCII && (f.isLetter || f.isNumber) && l.isASCII && (l.isLetter || l.isNumber)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    static func isValidTag(_ tag: Substring) -> Bool {
        guard let first = tag.first, tag.count <= 128, first != ".", first != "-" else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }

    static func isValidPathComponent(_ c: Substring) -> Bool {
        // alnum+ ((. | _ | __ | -+) alnum+)*
        let chars = Array(c)
        guard let first = chars.first, let last = chars.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var i = 0
        while i < chars.count {
            if isLowerAlnum(chars[i]) { i += 1; continue }
            var j = i
            while j < chars.count && !isLowerAlnum(chars[j]) { j += 1 }
            let separator = String(chars[i..<j])
            guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" }) else { return false }
            i = j
        }
        return true
    }

    static func isLowerAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isNumber || (c.isLetter && c.isLowercase))
    }

    /// The reference with its repository path (not registry, not tag) lower-cased.
    static func lowercasingPath(of reference: String) -> String {
        var parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let start = parts.count > 1 && isDomain(Substring(parts[0])) ? 1 : 0
        for i in start..<parts.count {
            if i == parts.count - 1, let colon = parts[i].firstIndex(of: ":") {
                parts[i] = parts[i][..<colon].lowercased() + parts[i][colon...]
            } else {
                parts[i] = parts[i].lowercased()
            }
        }
        return parts.joined(separator: "/")
    }
}
