import YAML

// The schema was written against Yams' `Node` and `Mark`; these names keep it reading the same
// over the YAML target's tree, so porting it changed only its import line.
typealias Node = YAMLNode
typealias Mark = YAMLMark
