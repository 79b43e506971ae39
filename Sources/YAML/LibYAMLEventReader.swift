import CYAML

/// Owns a libyaml parser and a copy of the input, and hands out events one at a time.
///
/// A class so `deinit` frees libyaml's state on every path, errors included. Not Sendable: it
/// lives for one `YAMLParser.parse` call on one task.
final class LibYAMLEventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let byteCount: Int
    private var isInitialized = false

    /// Copies `bytes` (UTF-8, no byte-order mark) and sets libyaml up to read them.
    init(bytes: some Collection<UInt8>) throws(YAMLError) {
        parser = .allocate(capacity: 1)
        byteCount = bytes.count
        // One byte at least: an empty allocation may have no address to give libyaml.
        input = .allocate(capacity: max(byteCount, 1))
        _ = input.initialize(fromContentsOf: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            throw .syntax(YAMLSyntaxError(stage: .memory, problem: "out of memory", mark: YAMLMark(line: 1, column: 1)))
        }
        isInitialized = true
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, byteCount)
    }

    deinit {
        if isInitialized { yaml_parser_delete(parser) }
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or libyaml's error.
    func next() throws(YAMLError) -> LibYAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw currentFailure() }
        defer { yaml_event_delete(&event) }
        return LibYAMLEvent(kind: Self.kind(of: event), mark: Self.mark(event.start_mark))
    }

    private static func kind(of event: yaml_event_t) -> LibYAMLEvent.Kind {
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            let style = Self.style(scalar.style)
            // As Yams: an untagged non-plain scalar is a string; `!` alone is a string too.
            var tag = string(scalar.tag)
            if scalar.quoted_implicit == 1 || tag == YAMLTag.nonSpecific { tag = YAMLTag.str.rawValue }
            return .scalar(value: value, anchor: string(scalar.anchor), tag: tag, style: style)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(anchor: string(start.anchor), tag: start.implicit != 0 ? nil : string(start.tag))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(anchor: string(start.anchor), tag: start.implicit != 0 ? nil : string(start.tag))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            // YAML_STREAM_END_EVENT; YAML_NO_EVENT is never returned on success.
            return .streamEnd
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// libyaml counts from 0; messages count from 1.
    static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(clamping: mark.line) + 1, column: Int(clamping: mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// libyaml's error as this target reports it: a key past libyaml's simple-key length gets
    /// its own case (libyaml's words for it name a different problem), and no libyaml function
    /// name reaches a message.
    private func currentFailure() -> YAMLError {
        let error = currentError()
        if let keyStart = overlongKeyStart(error) {
            return .keyTooLong(mark: keyStart, limit: YAMLLimits.maximumPlainKeyLength)
        }
        return .syntax(LibYAMLMessages.clean(error))
    }

    /// Where the key starts when `error` is libyaml giving up on a key written without `?` that
    /// runs more than 1024 characters before its `:`. libyaml says either "could not find
    /// expected ':'" (while scanning a simple key, on the key's own line) or, when the key could
    /// also have been a plain value, "mapping values are not allowed in this context" at the `:`.
    private func overlongKeyStart(_ error: YAMLSyntaxError) -> YAMLMark? {
        let limit = YAMLLimits.maximumPlainKeyLength
        if error.problem == "could not find expected ':'", error.context == "while scanning a simple key",
           let start = error.contextMark, start.line == error.mark.line, error.mark.column - start.column > limit {
            return start
        }
        guard error.problem == "mapping values are not allowed in this context" else { return nil }
        let before = line(error.mark.line).prefix(max(0, error.mark.column - 1))
        // The key starts after the indentation and any `- ` or `? ` indicators before it.
        var start = 0
        while start < before.count {
            let scalar = before[start]
            if scalar == " " || scalar == "\t" {
                start += 1
            } else if (scalar == "-" || scalar == "?"), start + 1 < before.count, before[start + 1] == " " {
                start += 2
            } else {
                break
            }
        }
        var end = before.count
        while end > start, before[end - 1] == " " { end -= 1 }
        guard end - start > limit else { return nil }
        return YAMLMark(line: error.mark.line, column: start + 1)
    }

    /// The Unicode scalars of 1-based line `number`, lines ending at LF, CR or CRLF as in libyaml.
    private func line(_ number: Int) -> [Unicode.Scalar] {
        var current = 1
        var index = 0
        while current < number, index < byteCount {
            let byte = input[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                current += 1
            } else if byte == UInt8(ascii: "\r") {
                if index < byteCount, input[index] == UInt8(ascii: "\n") { index += 1 }
                current += 1
            }
        }
        var end = index
        while end < byteCount, input[end] != UInt8(ascii: "\n"), input[end] != UInt8(ascii: "\r") { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[index..<end]), as: UTF8.self)
        return Array(text.unicodeScalars)
    }

    private func currentError() -> YAMLSyntaxError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        let context = state.context.map { String(cString: $0) }
        let contextMark = context == nil ? nil : Self.mark(state.context_mark)
        switch state.error {
        case YAML_READER_ERROR:
            // The reader reports a byte offset, not a mark.
            return YAMLSyntaxError(stage: .reader, problem: problem, mark: markOfByte(at: Int(clamping: state.problem_offset)))
        case YAML_SCANNER_ERROR:
            return YAMLSyntaxError(stage: .scanner, problem: problem, mark: Self.mark(state.problem_mark),
                                   context: context, contextMark: contextMark)
        case YAML_PARSER_ERROR:
            return YAMLSyntaxError(stage: .parser, problem: problem, mark: Self.mark(state.problem_mark),
                                   context: context, contextMark: contextMark)
        case YAML_MEMORY_ERROR:
            return YAMLSyntaxError(stage: .memory, problem: "out of memory", mark: Self.mark(state.problem_mark))
        default:
            return YAMLSyntaxError(stage: .parser, problem: problem, mark: Self.mark(state.problem_mark),
                                   context: context, contextMark: contextMark)
        }
    }

    /// Line and column of a byte offset into the input: lines end at LF, CR or CRLF as in
    /// libyaml; columns count Unicode scalars (UTF-8 lead bytes).
    private func markOfByte(at offset: Int) -> YAMLMark {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, byteCount)
        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte == UInt8(ascii: "\r") {
                let isCRLF = index + 1 < byteCount && input[index + 1] == UInt8(ascii: "\n")
                if !isCRLF {
                    line += 1
                    column = 1
                }
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return YAMLMark(line: line, column: column)
    }
}
