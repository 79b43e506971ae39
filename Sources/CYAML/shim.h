// Debian's libyaml (libyaml-dev); the YAML target uses its event API (yaml_parser_parse).
#include <yaml.h>
