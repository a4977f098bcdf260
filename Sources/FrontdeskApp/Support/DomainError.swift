import HTTPCore

/// What the service layer reports when a business rule says no; translated into HTTP in one place
/// (`DomainError+APIError.swift`), so services never speak HTTP.
public enum DomainError: Error, Equatable {
    /// No live resource of this kind with this id.
    case notFound(resource: String)
    /// The change collides with existing data, such as a taken email.
    case conflict(code: String, field: String?, message: String)
    /// Input that breaks a rule, one entry per field.
    case invalid([FieldError])
    /// The caller's expected version is not the current one.
    case versionMismatch(current: Int)
}
