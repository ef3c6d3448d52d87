"""Print one `N passed, N failed` line per test suite and one for all of them.

Reads the JSON reports that `make test` asks jest and Playwright to write.
A missing report counts as a failed suite: a runner that crashed before
writing it must not look like a green run.
"""

import json
import sys
from pathlib import Path


def jest_counts(path: Path):
    data = json.loads(path.read_text())
    return data["numPassedTests"], data["numFailedTests"] + data.get("numRuntimeErrorTestSuites", 0)


def playwright_counts(path: Path):
    stats = json.loads(path.read_text())["stats"]
    return stats["expected"], stats["unexpected"] + stats.get("flaky", 0)


READERS = {"jest": jest_counts, "playwright": playwright_counts}


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
