// Debug builds only: the harness reaches internals through @testable imports (fuzz/run builds debug).
#if DEBUG
import Foundation
@testable import FrontdeskApp
import HTTPCore

/// Feeds a body straight to the real validation tables (users, posts, auth), as each route would,
/// so that validation runs even for routes whose handlers need the database before they decode.
/// Each decoder either refuses with one entry per bad field or returns values within its rules.
enum ValidatorCheck {
    static let me = Caller(id: 1, role: .user)
    static let admin = Caller(id: 2, role: .admin)
    /// Whose access each user decoder is tried with: self-registration, an admin creating; a user
    /// on themself, an admin on someone else, an admin on themself.
    static let creationAccess = [UserFieldAccess(creatingAsAdmin: false), UserFieldAccess(creatingAsAdmin: true)]
    static let writeAccess = [
        UserFieldAccess(caller: me, targetID: me.id), UserFieldAccess(caller: admin, targetID: me.id),
        UserFieldAccess(caller: admin, targetID: admin.id),
    ]

    static func run(_ request: Request) {
        // Login and refresh read the request themselves (JSON or an HTML form).
        refused(as: [400, 422]) { _ = try AuthInput.login(from: request) }
        refused(as: [400, 422]) { _ = try AuthInput.refresh(from: request) }
        guard let body = try? JSONValue.parse(request.body) else { return }
        for access in creationAccess {
            refused { checkProfile(try UserInput.creation(from: body, access: access)) }
        }
        for access in writeAccess {
            refused { checkPatch(try UserInput.replacement(from: body, access: access), access) }
            refused { checkPatch(try UserInput.patch(from: body, access: access), access) }
        }
        refused { checkPost(try PostInput.creation(from: body)) }
        refused { checkPost(try PostInput.replacement(from: body)) }
        refused { checkPost(try PostInput.patch(from: body)) }
        refused {
            let change = try AuthInput.passwordChange(from: body, email: "ada@example.com")
            checkPassword(change.new)
            expect(change.new.lowercased() != "ada@example.com", "new password equal to the email accepted")
        }
    }

    /// Runs a decoder; a refusal must be a 4xx problem naming at least one field (or the body).
    static func refused(as statuses: Set<Int> = [422], _ decode: () throws -> Void) {
        do {
            try decode()
        } catch let error as any APIErrorConvertible {
            let problem = error.apiError
            expect(statuses.contains(problem.status), "validator refused with \(problem.status) \(problem.code)")
            if problem.status == 422 {
                expect(!problem.fieldErrors.isEmpty, "422 without field errors")
                // A field's name may be empty: `{"": 1}` and `=x` in a form name one, and the error repeats it.
                expect(problem.fieldErrors.allSatisfy { !$0.message.isEmpty }, "field error without a message")
            }
        } catch {
            fail("validator threw \(String(reflecting: error))")
        }
    }

    static func checkProfile(_ user: NewUser) {
        checkEmail(user.profile.email)
        checkName(user.profile.name)
        if let age = user.profile.age { checkAge(age) }
        checkPassword(user.password)
        expect(user.password.lowercased() != user.profile.email.lowercased(), "password equal to the email accepted")
    }

    static func checkPatch(_ patch: UserPatch, _ access: UserFieldAccess) {
        if let email = patch.email { checkEmail(email) }
        if let name = patch.name { checkName(name) }
        if case .set(let age) = patch.age { checkAge(age) }
        do {
            try access.check(patch)
        } catch {
            fail("decoder accepted a field the access refuses: \(error)")
        }
    }

    static func checkPost(_ post: PostContent) {
        checkTitle(post.title)
        checkPostBody(post.body)
    }

    static func checkPost(_ patch: PostPatch) {
        if let title = patch.title { checkTitle(title) }
        if let body = patch.body { checkPostBody(body) }
    }

    static func checkEmail(_ email: String) {
        expect(EmailAddress.problem(email) == nil && (3...254).contains(email.unicodeScalars.count), "bad email accepted: \(email.debugDescription)")
    }

    static func checkName(_ name: String) {
        checkTrimmed(name, 1...100, "name")
    }

    static func checkTitle(_ title: String) {
        checkTrimmed(title, 1...200, "title")
    }

    static func checkTrimmed(_ text: String, _ length: ClosedRange<Int>, _ field: String) {
        expect(length.contains(text.unicodeScalars.count), "\(field) of \(text.unicodeScalars.count) characters accepted")
        expect(text == text.trimmingCharacters(in: .whitespacesAndNewlines), "untrimmed \(field) accepted")
        expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control }, "control character in \(field) accepted")
    }

    static func checkPostBody(_ body: String) {
        expect(body.unicodeScalars.count <= 20_000, "post body too long accepted")
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        expect(!body.unicodeScalars.contains { $0.properties.generalCategory == .control && !allowed.contains($0) }, "control character in post body accepted")
    }

    static func checkAge(_ age: Int) {
        expect((0...150).contains(age), "age \(age) accepted")
    }

    static func checkPassword(_ password: String) {
        expect((8...128).contains(password.precomposedStringWithCompatibilityMapping.unicodeScalars.count), "password of bad length accepted")
    }
}
#endif
