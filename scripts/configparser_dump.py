"""Dump what Python's configparser reads from qbraidrc files, as JSON.

Used by the tests to compare our INI editor with the parser qbraid-core uses:
`python3 scripts/configparser_dump.py FILE...` prints one JSON object mapping
each file to {"ok": true, "raw": {section: {key: value}}, "get": {key: value}}
(`get` is the interpolated [default] section) or {"ok": false, "error": name}.
"""

import configparser
import json
import sys


def dump(path):
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        return {"ok": False, "error": type(error).__name__}
    raw = {
        section: {key: parser.get(section, key, raw=True) for key in parser.options(section)}
        for section in parser.sections()
    }
    raw["DEFAULT"] = dict(parser.defaults())
    got = {}
    if parser.has_section("default"):
        for key in parser.options("default"):
            try:
                got[key] = parser.get("default", key)
            except configparser.Error as error:
                got[key] = {"error": type(error).__name__}
    return {"ok": True, "raw": raw, "get": got}


if __name__ == "__main__":
    print(json.dumps({path: dump(path) for path in sys.argv[1:]}))
