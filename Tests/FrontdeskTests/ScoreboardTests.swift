import Foundation
import Supervisor
import Testing

@Suite("The supervisor's scoreboard")
struct ScoreboardTests {
    @Test("a busy slot shows its request's method and URI, cut to the slot's 87 bytes; an idle one its count")
    func busySummary() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scoreboard-\(UUID().uuidString)").path
        defer { unlink(path) }
        let board = try Scoreboard(path: path, create: true)
        board.claim(3, pid: 42)
        board.markBusy(3, method: "GET", uri: "/api/v1/posts?limit=20")
        var entry = try #require(board.entries().first { $0.slot == 3 })
        #expect(entry.pid == 42 && entry.isBusy && entry.summary == "GET /api/v1/posts?limit=20")
        let long = "/api/v1/posts?q=" + String(repeating: "x", count: 200)
        board.markBusy(3, method: "DELETE", uri: long)
        entry = try #require(board.entries().first { $0.slot == 3 })
        #expect(entry.summary == String(("DELETE " + long).prefix(87)))
        board.markBusy(3, method: "PUT", uri: "/short")
        entry = try #require(board.entries().first { $0.slot == 3 })
        #expect(entry.summary == "PUT /short")
        board.markIdle(3, served: 5)
        entry = try #require(board.entries().first { $0.slot == 3 })
        #expect(!entry.isBusy && entry.requestsServed == 5)
    }
}
