import Testing
import YAML

/// The error `text` is refused with, or `nil` if it parses.
func parseError(_ text: String) -> YAMLError? {
    do {
        _ = try YAMLParser.parse(text)
        return nil
    } catch {
        return error
    }
}

/// The root mapping of `text`, or a recorded issue.
func rootMapping(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> YAMLNode.Mapping {
    let root = try #require(try YAMLParser.parse(text), sourceLocation: sourceLocation)
    guard case .mapping(let mapping) = root else {
        Issue.record("root is not a mapping: \(root)", sourceLocation: sourceLocation)
        return YAMLNode.Mapping(pairs: [], mark: YAMLMark(line: 0, column: 0))
    }
    return mapping
}

func mark(_ line: Int, _ column: Int) -> YAMLMark { YAMLMark(line: line, column: column) }
