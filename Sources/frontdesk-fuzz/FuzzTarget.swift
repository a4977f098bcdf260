import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import HTTPCore

// The fuzz target over the request decoding path: bytes -> CGI parameters and body -> `Request`
// (the FastCGI adapter's own code) -> the real application (middleware chain, router, handlers,
// validation; the database unreachable) -> invariants on the response; and the body straight
// through the validation tables. It reaches internals through @testable imports, so it exists in
// debug builds only (fuzz/run builds debug); a release build gets a stub that says so.

#if DEBUG
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = check(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// One input through both checks; the request and the application's response.
func check(_ bytes: UnsafeBufferPointer<UInt8>) -> (Request, Response) {
    let request = FuzzInput(bytes).makeRequest(maxBodyBytes: ApplicationCheck.maxBodyBytes)
    let response = ApplicationCheck.run(request)
    ValidatorCheck.run(request)
    return (request, response)
}

/// Stops the run on a broken invariant; libFuzzer reports it as a crash and keeps the input.
func fail(_ message: String) -> Never {
    fatalError("fuzz invariant broken: \(message)")
}

/// Fails with `message` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

#endif

/// Built by `fuzz/run` (-sanitize=fuzzer,address -DFUZZING), `frontdesk-fuzz` is libFuzzer with
/// its usual options. Built without -DFUZZING (`swift build`), `frontdesk-fuzz FILE...` runs each
/// file through the target once and prints the status it got: the seeds, or a crash input.
@main
struct FuzzMain {
    static func main() {
        #if !DEBUG
        print("frontdesk-fuzz exists in debug builds only: run fuzz/run, or swift build && .build/debug/frontdesk-fuzz FILE...")
        exit(2)
        #elseif FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        let files = CommandLine.arguments.dropFirst()
        for path in files {
            let (request, response) = read(path).withUnsafeBufferPointer { check($0) }
            print("\(path): \(request.method) \(request.path) -> \(response.status)")
        }
        print("replayed \(files.count) inputs: no invariant broken")
        #endif
    }

    #if DEBUG
    static func read(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[..<count] }
        return bytes
    }
    #endif
}
