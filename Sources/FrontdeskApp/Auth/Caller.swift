/// Who is asking, as the service layer sees it: an authenticated user's id and current role.
public struct Caller: Sendable, Equatable {
    /// The user's id.
    public let id: Int64
    /// The user's role as stored now (not as the token claimed when it was issued).
    public let role: Role

    /// Creates a caller.
    public init(id: Int64, role: Role) {
        self.id = id
        self.role = role
    }

    /// Whether the caller is an admin.
    public var isAdmin: Bool { role == .admin }

    /// Whether the caller may see and change what belongs to user `ownerID` (that user's account
    /// or posts): its owner, or any admin. The one ownership rule of every resource.
    public func mayManage(ownerID: Int64) -> Bool {
        isAdmin || ownerID == id
    }
}
