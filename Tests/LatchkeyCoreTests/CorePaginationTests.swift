import Foundation
import LatchkeyModel
import LatchkeyTokens
import Testing

@testable import LatchkeyCore

@Suite struct CorePaginationTests {
    static let names = ["alice", "bob", "carol", "dave", "erin"]
    let markers = PageMarkers(secretBox: SecretBox(masterKey: MasterKey.generate()), listing: "ListUsers")

    func paginate(_ all: [String] = Self.names, marker: String?, maxItems: Int?) throws(STSError) -> Page<String> {
        try Page.paginate(all, key: { $0 }, marker: marker, maxItems: maxItems, markers: markers)
    }

    @Test("without MaxItems a page holds up to 100 items and is not truncated")
    func defaultPageSize() throws {
        let page = try paginate(marker: nil, maxItems: nil)
        #expect(page.items == Self.names)
        #expect(page.marker == nil)
        #expect(!page.isTruncated)
        let many = (0..<150).map { String(format: "user%03d", $0) }
        let first = try paginate(many, marker: nil, maxItems: nil)
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
        let next = try paginate(remaining, marker: first.marker, maxItems: 2)
        #expect(next.items == ["carol", "dave"])
    }

    @Test("markers are opaque: they fit the model's 320 characters and do not show the key")
    func markersAreOpaque() throws {
        let long = (0..<3).map { String(repeating: "é", count: 120) + "\($0)" }  // 241 UTF-8 bytes: carried by position
        var marker: String?
        var seen: [String] = []
        repeat {
            let page = try paginate(long, marker: marker, maxItems: 1)
            seen += page.items
            marker = page.marker
            if let marker {
                #expect(marker.utf16.count <= 320)
                #expect(marker.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            }
        } while marker != nil
        #expect(seen == long)
        let first = try #require(try paginate(marker: nil, maxItems: 1).marker)
        #expect(!first.contains("alice"))
        #expect(Data(base64Encoded: first).flatMap { String(data: $0, encoding: .utf8) } != "alice")
    }

    @Test(
        "a marker Latchkey did not issue is ValidationError \"Invalid Marker.\"",
        arguments: ["%%%", "not base64!", "/w==", "YWxpY2U", "YWxpY2U=", String(repeating: "A", count: 60)])
    func invalidMarkerIsRejected(marker: String) {
        #expect(throws: STSError(.validationError, "Invalid Marker.")) { try paginate(marker: marker, maxItems: 2) }
    }

    @Test("a marker from another listing, or another server's key, is refused")
    func markerBoundToListingAndKey() throws {
        let marker = try #require(try paginate(marker: nil, maxItems: 2).marker)
        let roles = PageMarkers(secretBox: markers.secretBox, listing: "ListRoles")
        #expect(throws: STSError(.validationError, "Invalid Marker.")) {
            try Page.paginate(Self.names, key: { $0 }, marker: marker, maxItems: 2, markers: roles)
        }
        let otherServer = PageMarkers(secretBox: SecretBox(masterKey: MasterKey.generate()), listing: "ListUsers")
        #expect(throws: STSError(.validationError, "Invalid Marker.")) {
            try Page.paginate(Self.names, key: { $0 }, marker: marker, maxItems: 2, markers: otherServer)
        }
    }
}
