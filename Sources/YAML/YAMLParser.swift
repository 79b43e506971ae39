/// Parses YAML text into a ``YAMLNode`` tree with libyaml, within ``YAMLLimits``.
///
/// Aliases are expanded (each one counts every node it stands for against
/// ``YAMLLimits/maximumAliasExpansion``); a key repeated in one mapping is an error; a UTF-8
/// byte-order mark at the start is skipped without moving any column. Only one document is
/// accepted, as a configuration file has.
public enum YAMLParser {
    /// The document in `text`, or `nil` if the text holds no document (empty, or only comments).
    /// - Throws: ``YAMLError`` for a syntax error, a duplicate key or a limit passed.
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        var bytes = Substring(text).utf8
        guard bytes.count <= YAMLLimits.maximumInputBytes else {
            throw .inputTooLarge(byteCount: bytes.count, limit: YAMLLimits.maximumInputBytes)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var composer = Composer(reader: try LibYAMLEventReader(bytes: bytes))
        return try composer.singleDocument()
    }
}
