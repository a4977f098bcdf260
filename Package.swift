// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Frontdesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "frontdesk", targets: ["frontdesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        // C libraries, each wrapped once by the Swift module below it.
        .systemLibrary(
            name: "CFastCGI",
            providers: [.apt(["libfcgi-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        .target(name: "Argon2", dependencies: ["CArgon2"]),
        .systemLibrary(name: "CSupervisor"),
        .target(
            name: "Supervisor",
            dependencies: ["CSupervisor", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "HTTPCore"]),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(
            name: "HTTPCore",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "FrontdeskApp",
            dependencies: [
                "HTTPCore", "Postgres", "Argon2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "frontdesk",
            dependencies: [
                "FrontdeskApp", "FastCGI", "HTTPCore", "Postgres", "Supervisor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "frontdesk-bench",
            dependencies: ["FrontdeskApp", "Argon2"],
            path: "Sources/frontdesk-bench"
        ),
        // The fuzz target over the request decoding path; fuzz/run builds it for libFuzzer.
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(
            name: "frontdesk-fuzz",
            dependencies: [
                "FrontdeskApp", "FastCGI", "HTTPCore", "Argon2", "CLibFuzzer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/frontdesk-fuzz"
        ),
        .testTarget(
            name: "FrontdeskTests",
            dependencies: [
                "FrontdeskApp", "HTTPCore", "Postgres", "FastCGI", "Argon2", "Supervisor",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
