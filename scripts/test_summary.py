"""Print one `N passed, N failed` line per test suite and one for all of them.

Reads the reports that `make test` asks jest and Playwright (JSON) and pytest
(JUnit XML) to write.
A missing report counts as a failed suite: a runner that crashed before
writing it must not look like a green run.
"""

import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def jest_counts(path: Path):
    data = json.loads(path.read_text())
    return data["numPassedTests"], data["numFailedTests"] + data.get("numRuntimeErrorTestSuites", 0)


def playwright_counts(path: Path):
    stats = json.loads(path.read_text())["stats"]
    return stats["expected"], stats["unexpected"] + stats.get("flaky", 0)


def pytest_counts(path: Path):
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    if tests == 0:
        raise ValueError("pytest ran no test")
    return tests - failed - skipped, failed


READERS = {"jest": jest_counts, "playwright": playwright_counts, "pytest": pytest_counts}


def main(argv):
    total_passed = total_failed = 0
    for spec in argv:
        name, kind, path = spec.split(":", 2)
        try:
            passed, failed = READERS[kind](Path(path))
        except (OSError, ValueError, KeyError) as error:
            print(f"{name}: no report ({error})", file=sys.stderr)
            passed, failed = 0, 1
        print(f"{name}: {passed} passed, {failed} failed")
        total_passed += passed
        total_failed += failed
    print(f"total: {total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
