#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// Runs `Scripts/senml-cbor-check.py` (Python's cbor2, a decoder written by other people) on
/// payloads and returns its output lines. A missing python3 or cbor2 is a failure, never a skip:
/// the CBOR encoder is only trusted because an independent decoder reads it.
enum CBORChecker {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var repositoryRoot: String {
        // …/Tests/PipelineTests/Support/CBORChecker.swift → the three folders above it.
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }

    /// One `pack N` line and N record lines per payload, in order; `json`: the payloads are
    /// SenML JSON, read by Python's json module.
    /// `resolvedOnly`: only the fields after RFC 8428 resolution, names checked against its
    /// section 4.5.1.
    static func decode(_ payloads: [[UInt8]], json: Bool = false, resolvedOnly: Bool = false) throws -> [String] {
        try run(script: "senml-cbor-check.py", on: payloads,
                options: (json ? ["--json"] : []) + (resolvedOnly ? ["--resolved", "--check-names"] : []))
    }

    /// The output lines of `Scripts/<script> <options>` run on `payloads` (one file each, in order).
    static func run(script: String, on payloads: [[UInt8]], options: [String] = []) throws -> [String] {
        var template = Array("/tmp/sgw-cbor-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) } }
        guard let directory = made else {
            throw Failure(description: "mkdtemp failed")
        }
        defer { _ = rmdirRecursively(directory) }
        var arguments = ["python3", repositoryRoot + "/Scripts/" + script] + options
        for (index, payload) in payloads.enumerated() {
            let path = "\(directory)/payload-\(index).bin"
            try write(payload, to: path)
            arguments.append(path)
        }
        let outputPath = directory + "/out.txt"
        let status = try run(arguments, stdoutAndStderrTo: outputPath)
        let output = try String(decoding: read(outputPath), as: UTF8.self)
        guard status == 0 else {
            throw Failure(description: "\(script) exited \(status) (are python3 and its packages installed? Scripts/install-packages.sh installs them): \(output)")
        }
        return output.split(separator: "\n").map(String.init)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot create \(path)") }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw Failure(description: "cannot write \(path)") }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw Failure(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// Runs a program found on PATH; its standard output and error go to `path`.
    private static func run(_ arguments: [String], stdoutAndStderrTo path: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let rc = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard rc == 0 else {
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(rc))); install python3 and cbor2 (Scripts/install-packages.sh)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS by hand: the macros are not imported.
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    private static func rmdirRecursively(_ directory: String) -> Bool {
        guard let dir = opendir(directory) else { return false }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            unlink(directory + "/" + name)
        }
        closedir(dir)
        return rmdir(directory) == 0
    }
}
