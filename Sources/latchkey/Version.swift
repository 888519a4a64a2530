/// The release this source tree is. Bump it when tagging a release.
let latchkeyVersion = "0.1.0"

/// What `latchkey --version` prints: `latchkey 0.1.0 (commit 4e544bb1c0de)`. The commit is `buildCommit`, written at
/// build time by the BuildCommit plugin (`Plugins/BuildCommit`); `-dirty` marks uncommitted changes, `unknown` a
/// build outside a Git checkout.
let latchkeyVersionLine = "latchkey \(latchkeyVersion) (commit \(buildCommit))"
