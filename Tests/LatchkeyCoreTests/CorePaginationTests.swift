import Foundation
@testable import LatchkeyCore
import LatchkeyModel
import Testing

@Suite struct CorePaginationTests {
    static let names = ["alice", "bob", "carol", "dave", "erin"]

    func paginate(marker: String?, maxItems: Int?) throws(STSError) -> Page<String> {
        try Page.paginate(Self.names, key: { $0 }, marker: marker, maxItems: maxItems)
    }

    @Test("without MaxItems a page holds up to 100 items and is not truncated")
    func defaultPageSize() throws {
        let page = try paginate(marker: nil, maxItems: nil)
        #expect(page.items == Self.names)
        #expect(page.marker == nil)
        #expect(!page.isTruncated)
        let many = (0..<150).map { String(format: "user%03d", $0) }
        let first = try Page.paginate(many, key: { $0 }, marker: nil, maxItems: nil)
        #expect(first.items.count == 100)
        #expect(first.isTruncated)
    }

    @Test("following markers visits every item once, in order", arguments: [1, 2, 3, 4, 5, 6])
    func markersVisitEveryItemOnce(maxItems: Int) throws {
        var seen: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try paginate(marker: marker, maxItems: maxItems)
            #expect(page.items.count <= maxItems)
            seen += page.items
            marker = page.marker
            pages += 1
        } while marker != nil && pages <= Self.names.count
        #expect(seen == Self.names)
        #expect(pages == (Self.names.count + maxItems - 1) / maxItems)
    }

    @Test("a page that ends exactly at the last item is not truncated")
    func exactFinalPage() throws {
        let first = try paginate(marker: nil, maxItems: 3)
        let second = try paginate(marker: first.marker, maxItems: 2)
        #expect(second.items == ["dave", "erin"])
        #expect(second.marker == nil)
    }

    @Test("a marker whose item was deleted resumes after where it pointed")
    func markerSurvivesDeletion() throws {
        let first = try paginate(marker: nil, maxItems: 2)
        let remaining = ["alice", "carol", "dave", "erin"]  // bob deleted between pages
        let next = try Page.paginate(remaining, key: { $0 }, marker: first.marker, maxItems: 2)
        #expect(next.items == ["carol", "dave"])
    }

    @Test("a marker that is not base64 of UTF-8 is InvalidInput", arguments: ["%%%", "not base64!", "/w=="])
    func invalidMarkerIsRejected(marker: String) {
        #expect(throws: STSError(.invalidInput, "")) { try paginate(marker: marker, maxItems: 2) }
    }
}
