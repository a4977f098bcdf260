import HTTPCore

/// Which profile fields a caller may write on one user: the single source of the mass-assignment
/// rules, used by the body decoder (which fields PUT requires, which are refused) and re-checked
/// by the service.
///
/// - Only an admin changes `role` and `active`.
/// - Only the account's owner changes its `email`.
/// - No one writes `password` through these routes, nor `id`, `password_hash`, timestamps or version.
/// - An admin does not demote or deactivate themself: another admin must, so the last admin cannot
///   lock everyone out by mistake. (`UserService.delete` refuses self-deletion the same way.)
public struct UserFieldAccess: Sendable, Equatable {
    /// Whether `email` may be written.
    public let mayWriteEmail: Bool
    /// Whether `role` and `active` may be written.
    public let mayWriteRoleAndActive: Bool
    /// Whether this is an admin writing their own account, which must stay an active admin.
    public let isOwnAdminAccount: Bool

    /// The access `caller` has to the existing user `targetID`.
    public init(caller: Caller, targetID: Int64) {
        mayWriteEmail = caller.id == targetID
        mayWriteRoleAndActive = caller.isAdmin
        isOwnAdminAccount = caller.isAdmin && caller.id == targetID
    }

    /// Access when creating a user: an admin sets everything; a self-registration cannot choose
    /// its role or activate itself.
    public init(creatingAsAdmin: Bool) {
        mayWriteEmail = true
        mayWriteRoleAndActive = creatingAsAdmin
        isOwnAdminAccount = false
    }

    /// Fields the caller may write, by JSON name.
    var writableFields: Set<String> {
        var fields: Set<String> = ["name", "age"]
        if mayWriteEmail { fields.insert("email") }
        if mayWriteRoleAndActive { fields.formUnion(["role", "active"]) }
        return fields
    }

    /// The fields the caller may not write, each with the reason shown in a 422.
    var refusedFields: [String: String] {
        var refused = ["password": "can only be changed through PUT /api/v1/users/me/password"]
        if !mayWriteEmail { refused["email"] = "can only be changed by the account's owner" }
        if !mayWriteRoleAndActive {
            refused["role"] = "can only be changed by an admin"
            refused["active"] = "can only be changed by an admin"
        }
        return refused
    }

    /// Refuses a patch that writes a field this access does not allow, or that would take an
    /// admin's own access away.
    func check(_ patch: UserPatch) throws(DomainError) {
        var written: [String] = []
        if patch.email != nil { written.append("email") }
        if patch.role != nil { written.append("role") }
        if patch.isActive != nil { written.append("active") }
        var errors = written.compactMap { field in refusedFields[field].map { FieldError(field: field, message: $0) } }
        if isOwnAdminAccount {
            if let role = patch.role, role != .admin {
                errors.append(FieldError(field: "role", message: "an admin cannot remove their own admin role; another admin can"))
            }
            if patch.isActive == false {
                errors.append(FieldError(field: "active", message: "an admin cannot deactivate themself; another admin can"))
            }
        }
        if !errors.isEmpty { throw .invalid(errors) }
    }
}
