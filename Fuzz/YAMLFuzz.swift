// libFuzzer target: the YAML parser must never crash, and whatever it reads must survive
// emit → parse → emit unchanged. Built by scripts/fuzz.sh with the YAML module's sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func yamlFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let documents = try? YAMLParser().parse(text) else { return 0 }
    let roots = documents.map(\.root)
    guard let first = try? YAMLEmitter().emit(documents: roots) else {
        fatalError("could not emit what was parsed")
    }
    guard let reparsed = try? YAMLParser().parse(first) else {
        fatalError("could not parse what was emitted:\n\(first)")
    }
    guard let second = try? YAMLEmitter().emit(documents: reparsed.map(\.root)), second == first else {
        fatalError("emit → parse → emit changed the text:\n\(first)")
    }
    return 0
}
