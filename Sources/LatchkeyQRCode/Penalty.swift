/// The mask evaluation score of a finished symbol (ISO/IEC 18004:2015 7.8.3.1, Table 11).
///
/// - N1: each run of 5 + i same-coloured modules in a row or column scores 3 + i.
/// - N2: each 2×2 block of one colour scores 3 (an m×n block thus scores 3 × (m − 1) × (n − 1)).
/// - N3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) pattern in a row or column with four light
///   modules before or after it scores 40. Modules beyond the edge count as light (they are quiet zone).
/// - N4: 10 for every full 5% by which the dark proportion deviates from 50%.
struct Penalty: Sendable, Hashable {
    var runs = 0
    var blocks = 0
    var finderLike = 0
    var balance = 0

    var total: Int { runs + blocks + finderLike + balance }

    init(runs: Int, blocks: Int, finderLike: Int, balance: Int) {
        self.runs = runs
        self.blocks = blocks
        self.finderLike = finderLike
        self.balance = balance
    }

    /// Scores a `size`×`size` matrix stored row by row.
    init(modules: [Bool], size: Int) {
        func at(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }
        var line = [Bool](repeating: false, count: size)
        for horizontal in [true, false] {
            for i in 0..<size {
                for j in 0..<size {
                    line[j] = horizontal ? at(j, i) : at(i, j)
                }
                runs += Self.runPenalty(line)
                finderLike += Self.finderLikePenalty(line)
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = at(x, y)
                if colour == at(x + 1, y), colour == at(x, y + 1), colour == at(x + 1, y + 1) {
                    blocks += 3
                }
            }
        }
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        balance = abs(dark * 2 - total) * 10 / total * 10
    }

    static func runPenalty(_ line: [Bool]) -> Int {
        var penalty = 0
        var runLength = 0
        var previous: Bool?
        for module in line {
            if module == previous {
                runLength += 1
            } else {
                if runLength >= 5 {
                    penalty += runLength - 2
                }
                runLength = 1
                previous = module
            }
        }
        if runLength >= 5 {
            penalty += runLength - 2
        }
        return penalty
    }

    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        var penalty = 0
        guard line.count >= pattern.count else { return 0 }
        for start in 0...(line.count - pattern.count) {
            guard line[start..<(start + pattern.count)].elementsEqual(pattern) else { continue }
            if isLight(line, from: start - 4, to: start) || isLight(line, from: start + 7, to: start + 11) {
                penalty += 40
            }
        }
        return penalty
    }

    /// Whether `line[from..<to]` is all light, treating positions outside the line as light.
    private static func isLight(_ line: [Bool], from: Int, to: Int) -> Bool {
        let lower = max(from, 0)
        let upper = min(to, line.count)
        guard lower < upper else { return true }
        return !line[lower..<upper].contains(true)
    }
}
