/// A failure of the test scaffolding itself, with a message that says what to fix.
struct ClientTestFailure: Error, CustomStringConvertible {
    var description: String
    /// Whether a helper server could not have its port (another process took it first): worth a retry.
    var isPortTaken: Bool
    init(_ description: String, isPortTaken: Bool = false) {
        self.description = description
        self.isPortTaken = isPortTaken
    }
}
