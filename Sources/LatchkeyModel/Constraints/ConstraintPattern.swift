/// A `pattern` constraint from the AWS service models, matched with Java `java.util.regex` semantics.
///
/// AWS validates these patterns in Java, against the whole value. This type supports exactly the subset
/// the Latchkey tables use: character classes (with ranges, `\w`, `\d`, `\s`, `\p{L}`, `\p{Z}`, `\p{N}`,
/// `\uXXXX` escapes and escaped punctuation), literals, groups, alternation and the `*`, `+`, `?`
/// quantifiers. Java semantics are kept where they differ from other engines:
/// - `\w` and `\d` are ASCII only (`[a-zA-Z_0-9]`, `[0-9]`), so `é` is not a word character;
/// - `\uXXXX` takes exactly four hex digits, so the model's `\u10000` is `\u1000` followed by `0`;
/// - matching runs over Unicode scalars (Java code points), and `\p{…}` uses general categories.
///
/// A pattern is compiled once, when the table that declares it is first used, into a small NFA that is
/// simulated in time linear in the input (no backtracking). Matching is always anchored at both ends.
/// A pattern outside the subset does not compile; it then matches nothing, so validation fails closed,
/// and ``isCompiled`` lets a test assert that every pattern in the tables compiles.
public struct ConstraintPattern: Sendable, Hashable, CustomStringConvertible {
    /// The regular expression exactly as the service model spells it; used verbatim in AWS messages.
    public let source: String
    let program: Program?

    /// Compiles `source`. Never fails: an unsupported pattern yields a value that matches nothing.
    public init(_ source: String) {
        self.source = source
        var parser = PatternParser(source)
        if let node = try? parser.parse() {
            self.program = Program(compiling: node)
        } else {
            self.program = nil
        }
    }

    /// Whether the pattern was within the supported subset and compiled.
    public var isCompiled: Bool { program != nil }

    /// Whether the whole of `value` matches the pattern (Java `Matcher.matches()`).
    public func matches(_ value: String) -> Bool {
        guard let program else { return false }
        return program.matches(value.unicodeScalars)
    }

    public var description: String { source }

    public static func == (lhs: ConstraintPattern, rhs: ConstraintPattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

/// The compiled form: a Thompson NFA over Unicode scalars.
struct Program: Sendable {
    enum State: Sendable {
        /// Consume one scalar in `classes[set]`, then go to `next`.
        case consume(set: Int, next: Int)
        /// Go to both `first` and `second` without consuming.
        case split(first: Int, second: Int)
        case accept
    }

    private(set) var states: [State] = []
    private(set) var classes: [ScalarClass] = []
    private(set) var start = 0
    /// Most model patterns are one class repeated (`[\w+=,.@-]*`, `[...]+`): matched by a plain scan, with no NFA
    /// state lists to allocate. `allowsEmpty` is true for `*`.
    private(set) var singleClass: (set: ScalarClass, allowsEmpty: Bool)?

    init(compiling node: PatternNode) {
        states.append(.accept)
        start = compile(node, next: 0)
        if case .repeated(.set(let set), let quantifier) = node, quantifier != .zeroOrOne {
            singleClass = (set, quantifier == .zeroOrMore)
        }
    }

    private mutating func compile(_ node: PatternNode, next: Int) -> Int {
        switch node {
        case .set(let set):
            classes.append(set)
            states.append(.consume(set: classes.count - 1, next: next))
            return states.count - 1
        case .sequence(let items):
            var entry = next
            for item in items.reversed() {
                entry = compile(item, next: entry)
            }
            return entry
        case .alternation(let branches):
            guard var entry = branches.last.map({ compile($0, next: next) }) else { return next }
            for branch in branches.dropLast().reversed() {
                let branchEntry = compile(branch, next: next)
                states.append(.split(first: branchEntry, second: entry))
                entry = states.count - 1
            }
            return entry
        case .repeated(let body, let quantifier):
            switch quantifier {
            case .zeroOrOne:
                let bodyEntry = compile(body, next: next)
                states.append(.split(first: bodyEntry, second: next))
                return states.count - 1
            case .zeroOrMore, .oneOrMore:
                states.append(.split(first: next, second: next))
                let loop = states.count - 1
                let bodyEntry = compile(body, next: loop)
                states[loop] = .split(first: bodyEntry, second: next)
                return quantifier == .zeroOrMore ? loop : bodyEntry
            }
        }
    }

    func matches(_ scalars: String.UnicodeScalarView) -> Bool {
        if let (set, allowsEmpty) = singleClass {
            var isEmpty = true
            for scalar in scalars {
                guard set.contains(scalar) else { return false }
                isEmpty = false
            }
            return allowsEmpty || !isEmpty
        }
        var current: [Int] = []
        var following: [Int] = []
        var mark = [Int](repeating: -1, count: states.count)
        var generation = 0
        add(start, to: &current, mark: &mark, generation: generation)
        for scalar in scalars {
            generation += 1
            following.removeAll(keepingCapacity: true)
            for index in current {
                if case .consume(let set, let next) = states[index], classes[set].contains(scalar) {
                    add(next, to: &following, mark: &mark, generation: generation)
                }
            }
            if following.isEmpty { return false }
            swap(&current, &following)
        }
        return current.contains { if case .accept = states[$0] { true } else { false } }
    }

    /// Adds `index` and everything reachable from it without consuming input.
    private func add(_ index: Int, to list: inout [Int], mark: inout [Int], generation: Int) {
        var pending = [index]
        while let state = pending.popLast() {
            guard mark[state] != generation else { continue }
            mark[state] = generation
            switch states[state] {
            case .split(let first, let second):
                pending.append(second)
                pending.append(first)
            case .consume, .accept:
                list.append(state)
            }
        }
    }
}
