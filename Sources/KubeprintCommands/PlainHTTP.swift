import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client for the playground's plain-HTTP address (`kubeprint run`): one
/// request per connection. It keeps FoundationNetworking (and libcurl with its dozen libraries)
/// out of the binary, which every kubeprint command would otherwise load at start-up.
enum PlainHTTP {
    struct Reply {
        var status: Int
        var body: Data
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// POSTs `body` and waits for the whole answer (on a thread of its own, not a task's).
    static func post(_ url: URL, body: Data, contentType: String, timeout: Double) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try send(url, method: "POST", body: body, contentType: contentType, timeout: timeout) }) }.start()
        }
    }

    static func send(_ url: URL, method: String, body: Data, contentType: String, timeout: Double) throws -> Reply {
        guard url.scheme == "http", let host = url.host else { throw Failure(description: "only http:// addresses are supported, not '\(url.absoluteString)'") }
        let port = url.port ?? 80
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { throw Failure(description: "cannot resolve \(host)") }
        defer { freeaddrinfo(list) }
        var fd: Int32 = -1
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let e = entry {
            fd = socket(e.pointee.ai_family, e.pointee.ai_socktype, e.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, e.pointee.ai_addr, e.pointee.ai_addrlen) == 0 { break }
                close(fd)
                fd = -1
            }
            entry = e.pointee.ai_next
        }
        guard fd >= 0 else { throw Failure(description: "connection refused by \(host):\(port)") }
        defer { close(fd) }
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nAccept: application/json\r\nConnection: close\r\n\r\n".utf8)
        request.append(body)
        try request.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + sent }, raw.count - sent)
                guard n > 0 else { throw Failure(description: "the connection to \(host):\(port) closed while sending") }
                sent += n
            }
        }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(answer) {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "no answer from \(host):\(port) within \(Int(timeout)) s")
            }
            if n == 0 { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        return try parse(answer)
    }

    /// Whether `answer` holds a whole HTTP answer by its own framing (Content-Length, or the
    /// last chunk), so the client does not depend on the server closing the connection.
    static func isComplete(_ answer: Data) -> Bool {
        guard let end = answer.range(of: Data("\r\n\r\n".utf8)) else { return false }
        let fields = String(decoding: answer[answer.startIndex..<end.lowerBound], as: UTF8.self).lowercased().components(separatedBy: "\r\n").dropFirst()
        if fields.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            return answer[end.upperBound...].range(of: Data("\r\n0\r\n\r\n".utf8)) != nil
                || answer[end.upperBound...].starts(with: Data("0\r\n\r\n".utf8))
        }
        if let length = fields.first(where: { $0.hasPrefix("content-length:") }).flatMap({ Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }) {
            return answer.distance(from: end.upperBound, to: answer.endIndex) >= length
        }
        return false
    }

    /// Status and body of an HTTP/1.1 answer (Content-Length, chunked, or up to the close).
    static func parse(_ answer: Data) throws -> Reply {
        guard let end = answer.range(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "the answer is not HTTP") }
        let head = String(decoding: answer[answer.startIndex..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = (lines.first ?? "").split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure(description: "the answer is not HTTP")
        }
        let fields = lines.dropFirst().map { $0.lowercased() }
        var body = Data(answer[end.upperBound...])
        if fields.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            var out = Data()
            var rest = body[...]
            while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
                let sizeText = String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw Failure(description: "a bad chunk in the answer") }
                if size == 0 { break }
                let start = lineEnd.upperBound
                guard rest.distance(from: start, to: rest.endIndex) >= size else { throw Failure(description: "the answer was cut short") }
                let stop = rest.index(start, offsetBy: size)
                out.append(rest[start..<stop])
                rest = rest[rest.index(stop, offsetBy: min(2, rest.distance(from: stop, to: rest.endIndex)))...]
            }
            body = out
        } else if let length = fields.first(where: { $0.hasPrefix("content-length:") }).flatMap({ Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }),
                  length <= body.count {
            body = body.prefix(length)
        }
        return Reply(status: status, body: body)
    }
}
