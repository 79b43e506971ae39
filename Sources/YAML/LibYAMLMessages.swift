/// libyaml's error texts made fit for a user: some builds of libyaml name their own API in a
/// message ("set with yaml_set_max_nest_level()"), which means nothing to whoever edits the file.
enum LibYAMLMessages {
    /// `error` with libyaml's API names taken out of its problem and context.
    static func clean(_ error: YAMLSyntaxError) -> YAMLSyntaxError {
        var cleaned = error
        cleaned.problem = clean(error.problem)
        cleaned.context = error.context.map(clean)
        return cleaned
    }

    /// A libyaml text without the API names in it.
    static func clean(_ text: String) -> String {
        // libyaml 0.2.5's successor words its nesting cap this way; our own cap (64) is lower and
        // normally wins, but a libyaml built with a smaller one would say this first.
        if text.hasPrefix("Maximum nesting level reached") {
            return "mappings and sequences nest too deep"
        }
        guard text.contains("yaml_") else { return text }
        // Any other text naming a libyaml function: keep what comes before the clause that
        // names it ("..., set with yaml_x()" or "... (yaml_x)").
        let cut = text.firstRange(of: ", set with yaml_") ?? text.firstRange(of: " (yaml_") ?? text.firstRange(of: "yaml_")
        guard let cut else { return text }
        let kept = text[..<cut.lowerBound].trimmingSuffix(while: { $0 == " " || $0 == "," || $0 == "(" })
        return kept.isEmpty ? "libyaml refused the text" : String(kept)
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
