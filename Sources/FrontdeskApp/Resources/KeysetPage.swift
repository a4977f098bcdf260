/// One page of a keyset-paginated list: fetches one row more than asked, to know whether a next
/// page exists without counting.
enum KeysetPage {
    /// The first `limit` items that `fetch(limit + 1)` returns, and the id to continue after when
    /// there were more.
    static func fetch<Item>(limit: Int, id: (Item) -> Int64, _ fetch: (Int) throws -> [Item]) throws -> ([Item], Int64?) {
        let rows = try fetch(limit + 1)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last.map(id) : nil)
    }
}
