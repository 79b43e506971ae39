import CSQLite

/// An error from SQLite, with its result code and message.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// SQLite's (extended) result code.
    public var code: Int32
    /// What SQLite said.
    public var message: String
    /// What we were doing.
    public var operation: String

    /// Whether the disk (or the file system quota) is full.
    public var isDiskFull: Bool { code & 0xFF == SQLITE_FULL }

    /// Whether the file is damaged or not a database at all.
    public var isCorruption: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }

    public var description: String { "\(operation): \(message) (sqlite \(code))" }
}

/// A thin owner of one `sqlite3*` handle: prepared statements, binding, stepping.
///
/// Not thread-safe on its own; ``OutboxStore`` is the only user and serializes access.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String

    init(path: String) throws(StorageError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw StorageError(code: rc, message: message, operation: "open \(path)")
        }
        sqlite3_extended_result_codes(db, 1)
        // Another process (a `sensorgw` CLI command) may hold the lock for a moment.
        sqlite3_busy_timeout(db, 5_000)
        handle = db
    }

    deinit {
        close()
    }

    func close() {
        if let handle {
            sqlite3_close_v2(handle)
        }
        handle = nil
    }

    private func error(_ rc: Int32, _ operation: String) -> StorageError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        return StorageError(code: rc, message: message, operation: operation)
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws(StorageError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "error"
            sqlite3_free(errorMessage)
            throw StorageError(code: rc, message: message, operation: sql)
        }
    }

    /// Prepares a statement, binds `bindings` and calls `row` for each result row.
    func query(_ sql: String, _ bindings: [SQLiteValue] = [],
               row: (SQLiteRow) throws(StorageError) -> Void = { _ throws(StorageError) in }) throws(StorageError) {
        var statement: OpaquePointer?
        var rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, sql) }
        defer { sqlite3_finalize(statement) }
        for (index, value) in bindings.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .integer(let v): rc = sqlite3_bind_int64(statement, position, v)
            case .real(let v): rc = sqlite3_bind_double(statement, position, v)
            case .text(let v): rc = sqlite3_bind_text(statement, position, v, -1, SQLiteConnection.transient)
            case .null: rc = sqlite3_bind_null(statement, position)
            }
            guard rc == SQLITE_OK else { throw error(rc, sql) }
        }
        while true {
            rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc, sql) }
            try row(SQLiteRow(statement: statement))
        }
    }

    /// Number of rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// SQLITE_TRANSIENT: SQLite copies the bound text before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// One result row, valid only inside the `row` callback.
struct SQLiteRow {
    let statement: OpaquePointer

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }
}
