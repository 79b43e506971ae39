/// One libyaml parse event, copied out of libyaml's memory so the C event can be freed at once.
struct LibYAMLEvent {
    enum Kind {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias(anchor: String)
        /// `tag` is nil for an untagged plain scalar, whose tag is resolved from its text.
        case scalar(value: String, anchor: String?, tag: String?, style: YAMLNode.Scalar.Style)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    var mark: YAMLMark
}
