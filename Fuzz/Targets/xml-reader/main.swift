import CFuzzDriver
// Fuzz target: the XML reader the Swift client uses for Query-protocol responses (`XMLReader`, `XMLScanner`), and
// the two readers built on it (`QueryResponse.parseError`, `QueryResponse.parse`).
import LatchkeyQuery

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let root = try? XMLReader.parse(bytes) else { return 0 }
    // Walk the tree the way the client's readers do.
    _ = root.localName
    _ = root.element(at: "ResponseMetadata", "RequestId")?.text
    for child in root.children { _ = child.attribute("xmlns") }
    _ = try? QueryResponse.parseError(xml: bytes)
    let action = root.localName.hasSuffix("Response") ? String(root.localName.dropLast(8)) : "AssumeRole"
    _ = try? QueryResponse.parse(xml: bytes, action: action)
    return 0
}

/// The executable's entry point (SwiftPM links `xml_reader_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("xml_reader_main")
public func xml_readerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzXMLReader)
}
