// libFuzzer target: the blueprint reader and validator must never crash, whatever the input.
// Built by scripts/fuzz.sh together with the Blueprint module's sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func blueprintFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (loaded, diagnostics) = BlueprintLoader.diagnose(text: text, file: "fuzz.json")
    // A loaded pipeline has no errors, and every diagnostic prints.
    if loaded != nil && diagnostics.contains(where: \.isError) { fatalError("loaded a blueprint with errors") }
    for d in diagnostics { _ = d.description }
    if let loaded { _ = JSONWriter().write(loaded.blueprint.orchestratorDocument()) }
    return 0
}
