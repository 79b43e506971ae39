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
/// Statements run through ``query(_:_:row:)`` are prepared once and kept (keyed by their SQL
/// text), then reset and re-bound at every use: preparing (parsing and planning) an INSERT cost
/// more than running it, once per reading (docs/PERFORMANCE.md).
///
/// Not thread-safe on its own; ``OutboxStore`` is the only user and serializes access.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
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
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
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

    /// The prepared statement for `sql`, made on first use and kept until ``close()``.
    private func statement(for sql: String) throws(StorageError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, sql) }
        statements[sql] = statement
        return statement
    }

    /// Binds `bindings` to the (cached) statement for `sql` and calls `row` for each result row.
    func query(_ sql: String, _ bindings: [SQLiteValue] = [],
               row: (SQLiteRow) throws(StorageError) -> Void = { _ throws(StorageError) in }) throws(StorageError) {
        try run(sql, bind: { statement throws(StorageError) in
            for (index, value) in bindings.enumerated() {
                try statement.bind(value, at: Int32(index + 1))
            }
        }, row: row)
    }

    /// Like ``query(_:_:row:)``, with the parameters bound by `bind` (no array of values per call).
    func run(_ sql: String, bind: (SQLiteBinder) throws(StorageError) -> Void,
               row: (SQLiteRow) throws(StorageError) -> Void = { _ throws(StorageError) in }) throws(StorageError) {
        let statement = try statement(for: sql)
        // Reset at the end, even on an error: a statement left mid-way keeps its read
        // transaction open, which would stop checkpoints.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(SQLiteBinder(statement: statement, connection: self, sql: sql))
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc, sql) }
            try row(SQLiteRow(statement: statement))
        }
    }

    fileprivate func bindingError(_ rc: Int32, _ sql: String) -> StorageError { error(rc, sql) }

    /// Number of rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// SQLITE_TRANSIENT: SQLite copies the bound text before the call returns.
    fileprivate static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// Binds parameters (numbered from 1) of one statement, valid only inside the `bind` callback.
struct SQLiteBinder {
    fileprivate let statement: OpaquePointer
    fileprivate let connection: SQLiteConnection
    fileprivate let sql: String

    func bind(_ value: SQLiteValue, at position: Int32) throws(StorageError) {
        switch value {
        case .integer(let v): try bind(v, at: position)
        case .real(let v): try bind(v, at: position)
        case .text(let v): try bind(v, at: position)
        case .blob(let v): try bind(bytes: v, at: position)
        case .null: try check(sqlite3_bind_null(statement, position))
        }
    }

    func bind(_ value: Int64, at position: Int32) throws(StorageError) {
        try check(sqlite3_bind_int64(statement, position, value))
    }

    func bind(_ value: Double, at position: Int32) throws(StorageError) {
        try check(sqlite3_bind_double(statement, position, value))
    }

    func bind(_ value: String, at position: Int32) throws(StorageError) {
        var value = value
        let rc = value.withUTF8 { bytes in
            // An empty text is still text (a null pointer would bind NULL).
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(statement, position, "", 0, SQLiteConnection.transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(statement, position, $0, Int32(bytes.count), SQLiteConnection.transient)
            }
        }
        try check(rc)
    }

    func bind(bytes value: [UInt8], at position: Int32) throws(StorageError) {
        let rc = value.withUnsafeBytes { raw in
            // An empty blob is still a blob, not NULL.
            sqlite3_bind_blob(statement, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count),
                              SQLiteConnection.transient)
        }
        try check(rc)
    }

    func bindNull(at position: Int32) throws(StorageError) {
        try check(sqlite3_bind_null(statement, position))
    }

    private func check(_ rc: Int32) throws(StorageError) {
        guard rc == SQLITE_OK else { throw connection.bindingError(rc, sql) }
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
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
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    /// The column's bytes (a text's UTF-8 with any NUL in it), empty for NULL.
    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
