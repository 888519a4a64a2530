/// Splits a `credential_process` command line into arguments the way a POSIX shell (and Python's
/// `shlex.split`) does for quoting, without running a shell: no variables, globbing, pipes or redirection.
///
/// - Unquoted whitespace separates arguments.
/// - `'...'` is literal; `"..."` is literal except that `\` escapes `"`, `\`, `$` and `` ` ``.
/// - Outside quotes `\` makes the next character literal.
enum CommandLineSplitter {
    static func split(_ command: String) throws -> [String] {
        var arguments: [String] = []
        var current = ""
        var inWord = false
        var iterator = command.makeIterator()

        func unterminated(_ what: String) -> CredentialProviderError {
            CredentialProviderError(.invalidValue, "credential_process has an unterminated \(what)")
        }

        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    arguments.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                guard closed else { throw unterminated("single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped == "\"" || escaped == "\\" || escaped == "$" || escaped == "`" {
                            current.append(escaped)
                        } else if escaped != "\n" {
                            current.append("\\")
                            current.append(escaped)
                        }
                        continue
                    }
                    current.append(next)
                }
                guard closed else { throw unterminated("double quote") }
            case "\\":
                guard let escaped = iterator.next() else { throw unterminated("escape at the end") }
                if escaped != "\n" {
                    inWord = true
                    current.append(escaped)
                }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { arguments.append(current) }
        return arguments
    }
}
