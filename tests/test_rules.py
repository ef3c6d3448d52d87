"""The rule book's shared table of cases (tests/cases/rules.json), run through the server half;
src/__tests__/rules.spec.ts runs the same table through the page."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jupyterlab_qbraid_session.credentials import detect_api_version, endpoint_for_api_key
from jupyterlab_qbraid_session.errors import QbraidHTTPError
from jupyterlab_qbraid_session.origins import is_loopback
from jupyterlab_qbraid_session.rules import BOOK, ERROR_CODES, valid_credential, valid_email
from jupyterlab_qbraid_session.service import identity_of

CASES = json.loads((Path(__file__).parent / "cases" / "rules.json").read_text("utf-8"))


@pytest.mark.parametrize("url, version", CASES["detect"])
def test_the_dialect_of_a_url(url, version):
    assert detect_api_version(url) == version


@pytest.mark.parametrize("key, url", CASES["keyHost"])
def test_the_api_a_key_names(key, url):
    assert endpoint_for_api_key(key) == url


@pytest.mark.parametrize("host, allowed", CASES["loopback"])
def test_plain_http_only_to_loopback_hosts(host, allowed):
    parsed = urlsplit(f"http://[{host}]/" if ":" in host else f"http://{host}/").hostname
    assert is_loopback(parsed) is allowed


@pytest.mark.parametrize("value, ok", CASES["credential"])
def test_what_a_credential_may_hold(value, ok):
    assert valid_credential(value) is ok


@pytest.mark.parametrize("value, ok", CASES["email"])
def test_what_an_email_may_hold(value, ok):
    assert valid_email(value) is ok


@pytest.mark.parametrize("code", sorted(BOOK["errors"]["server"]))
def test_every_error_code_comes_with_its_status(code):
    assert QbraidHTTPError(code, "why").status_code == ERROR_CODES[code]


def test_an_error_code_outside_the_book_is_a_bug():
    with pytest.raises(ValueError):
        QbraidHTTPError("no_such_code", "why")


@pytest.mark.parametrize("version, body, email", CASES["identity"])
def test_the_account_in_a_check_answer(version, body, email):
    identity = identity_of(version, json.dumps(body).encode(), [])
    assert (identity["email"] if identity else None) == email
