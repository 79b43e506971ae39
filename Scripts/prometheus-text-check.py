#!/usr/bin/env python3
"""Parses Prometheus text exposition with prometheus_client's parser, independent of the agent's.

Usage: prometheus-text-check.py FILE
Prints one line per sample, sorted: `TYPE SAMPLE_NAME{label="value",...} VALUE`, where TYPE is
the family's declared type. Exits 1 with a message when the text does not parse, when a family
has no TYPE line (the parser then says "unknown"), or when a sample's name does not belong to
its family.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    lines = []
    try:
        for family in text_string_to_metric_families(text):
            if family.type == "unknown":
                sys.exit(f"family {family.name} has no TYPE line")
            for sample in family.samples:
                if not sample.name.startswith(family.name):
                    sys.exit(f"sample {sample.name} outside family {family.name}")
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                lines.append(f"{family.type} {sample.name}{{{labels}}} {sample.value:g}")
    except ValueError as error:
        sys.exit(f"does not parse: {error}")
    print("\n".join(sorted(lines)))


main()
