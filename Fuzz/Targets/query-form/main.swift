import CFuzzDriver
// Fuzz target: the Query-protocol form parser (`QueryParameters.parse`), then what the server does next with a
// form: the operation's schema decodes and validates it.
//
// Properties checked besides "no crash, no leak": a form that parses re-encodes (`formEncoded`) to a form that
// parses to the same parameters.
import LatchkeyModel
import LatchkeyQuery

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueryForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let parameters = try? QueryParameters.parse(bytes) else { return 0 }

    let encoded = Array(parameters.formEncoded().utf8)
    if encoded.count <= QueryLimits.default.maxInputLength {
        guard let again = try? QueryParameters.parse(encoded) else {
            fatalError("a parsed form re-encodes to a form that does not parse: \(parameters.formEncoded())")
        }
        precondition(again == parameters, "a parsed form does not survive re-encoding")
    }

    var dictionary: [String: String] = [:]
    for parameter in parameters { dictionary[parameter.key] = parameter.value }
    guard let action = dictionary["Action"] else { return 0 }
    if let schema = OperationSchema.sts(action: action) ?? OperationSchema.iam(action: action) {
        _ = try? schema.decode(dictionary)
    }
    return 0
}

/// The executable's entry point (SwiftPM links `query_form_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("query_form_main")
public func query_formMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzQueryForm)
}
