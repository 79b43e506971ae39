#!/usr/bin/env bash
# Regenerates Sources/SparkplugProto/sparkplug_b.pb.swift from sparkplug_b.proto.
#
# Needs protoc (Debian's protobuf-compiler) and protoc-gen-swift from apple/swift-protobuf at the
# version Package.swift names (1.39.0). Building the plugin takes about ten minutes on two cores,
# so the generated file is committed and this runs only when the schema changes.
# Usage: Scripts/generate-sparkplug.sh [path/to/protoc-gen-swift]
#   Without an argument the plugin is built in a scratch folder outside the repository
#   (SPARKPLUG_SCRATCH, default /tmp/sensorgw-protoc-gen-swift) from the local package copy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=1.39.0
plugin="${1:-}"
if [ -z "$plugin" ]; then
  scratch="${SPARKPLUG_SCRATCH:-/tmp/sensorgw-protoc-gen-swift}"
  if [ ! -d "$scratch/swift-protobuf" ]; then
    git clone -q https://github.com/apple/swift-protobuf "$scratch/swift-protobuf"
  fi
  git -C "$scratch/swift-protobuf" checkout -q "$version"
  (cd "$scratch/swift-protobuf" && swift build -c release --product protoc-gen-swift)
  plugin="$scratch/swift-protobuf/.build/release/protoc-gen-swift"
fi
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
"$plugin" --version | grep -q "$version" || { echo "$plugin is not protoc-gen-swift $version" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public \
  --swift_out="$root/Sources/SparkplugProto" \
  -I "$root/Sources/SparkplugProto" \
  "$root/Sources/SparkplugProto/sparkplug_b.proto"
echo "wrote Sources/SparkplugProto/sparkplug_b.pb.swift ($(protoc --version), protoc-gen-swift $version)"
