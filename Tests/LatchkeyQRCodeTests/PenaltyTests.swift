import Testing

@testable import LatchkeyQRCode

/// The four mask-evaluation rules on hand-made lines and matrices (ISO/IEC 18004:2015 Table 11).
@Suite struct PenaltyTests {
    static func line(_ text: String) -> [Bool] { text.map { $0 == "#" } }

    @Test(
        "N1: a run of 5 + i same-coloured modules scores 3 + i; shorter runs score nothing",
        arguments: [
            ("#.#.#.#.#.#", 0), ("....#", 0), (".....#", 3), ("#######", 5), ("#####.....", 6), ("...........", 9),
        ])
    func runRule(_ text: String, _ expected: Int) {
        #expect(Penalty.runPenalty(Self.line(text)) == expected)
    }

    @Test(
        "N3: 1:1:3:1:1 with four light modules on one side scores 40, the symbol edge counting as light",
        arguments: [
            ("....#.###.#", 40),  // light before, edge after
            ("#.###.#....", 40),  // edge before, light after
            ("#.###.#.#.#", 40),  // only the edge before is light
            ("..#.#.#.###.#", 40),  // only the edge after is light
            ("##.#.###.#..#", 0),  // neither side has four light modules
            ("##.#.###.#.###", 0),
            ("#.###.#....#.###.#", 80),  // two patterns sharing the light gap
            ("#.##.#....", 0),  // not the 1:1:3:1:1 ratio
        ])
    func finderLikeRule(_ text: String, _ expected: Int) {
        #expect(Penalty.finderLikePenalty(Self.line(text)) == expected)
    }

    @Test("N2 scores every 2×2 single-colour block, so an m×n block scores 3(m − 1)(n − 1)")
    func blockRule() {
        // A 6×6 matrix: a dark 3×4 block in the top-left corner on a checkerboard elsewhere.
        let size = 6
        var modules = [Bool](repeating: false, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                modules[y * size + x] = (x < 4 && y < 3) || ((x + y) % 2 == 0 && !(x < 5 && y < 4))
            }
        }
        let penalty = Penalty(modules: modules, size: size)
        #expect(penalty.blocks == 3 * 2 * 3)
    }

    @Test(
        "N4: 10 for each full 5% the dark proportion is away from 50%",
        arguments: [
            (50, 0), (54, 0), (55, 10), (45, 10), (44, 10), (40, 20), (0, 100), (100, 100),
        ])
    func balanceRule(_ darkPercent: Int, _ expected: Int) {
        // A 10×10 matrix with exactly `darkPercent` dark modules, in a stripe-free order.
        let size = 10
        let modules = (0..<(size * size)).map { ($0 * 37) % 100 < darkPercent }
        #expect(Penalty(modules: modules, size: size).balance == expected)
    }

    @Test("the total is the sum of the four rules")
    func totalIsSum() {
        let penalty = Penalty(runs: 1, blocks: 2, finderLike: 40, balance: 10)
        #expect(penalty.total == 53)
    }
}
