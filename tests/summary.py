"""Adds up the JUnit XML reports of one `make test` run and prints the total as the run's
last line, so that whoever reads the end of the log sees every suite counted (the last tool to
run, schemathesis, ends with a line of its own that counts only warnings)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def totals(paths: list[Path]) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for folder in paths:
        for report in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
            root = ET.parse(report).getroot()  # noqa: S314
            suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
            for suite in suites:
                for key in counts:
                    counts[key] += int(suite.get(key, 0) or 0)
    return counts


def main() -> int:
    counts = totals([Path(p) for p in sys.argv[1:]])
    failed = counts["failures"] + counts["errors"]
    passed = counts["tests"] - failed - counts["skipped"]
    print(f"total: {passed} passed, {failed} failed, {counts['skipped']} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
