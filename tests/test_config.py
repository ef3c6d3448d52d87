"""The server half's settings are traitlets that admins find and set in every documented form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Application

from jupyterlab_qbraid_session.config import QbraidProxy

LIST_FORM = "['http://127.0.0.1:4001', 'http://127.0.0.1:4002']"


@pytest.fixture
def jp_argv():
    # As a server parses it before any extension is loaded: QbraidProxy is unknown to it then.
    return [f"--QbraidProxy.allowed_origins={LIST_FORM}"]


async def test_the_list_form_on_the_server_command_line_is_taken(jp_fetch):
    info = json.loads((await jp_fetch("qbraid-session", "info")).body)
    assert "http://127.0.0.1:4001" in info["allowed_origins"]
    assert "http://127.0.0.1:4002" in info["allowed_origins"]


@pytest.mark.parametrize(
    "argv",
    [
        [f"--QbraidProxy.allowed_origins={LIST_FORM}"],
        ["--QbraidProxy.allowed_origins=http://127.0.0.1:4001", "--QbraidProxy.allowed_origins=http://127.0.0.1:4002"],
    ],
)
@pytest.mark.parametrize("known", [True, False])
def test_both_command_line_forms_give_the_same_list(argv, known):
    class App(Application):
        classes = [QbraidProxy] if known else []

    app = App()
    app.parse_command_line(argv)
    assert QbraidProxy(parent=app).allowed_origins == ["http://127.0.0.1:4001", "http://127.0.0.1:4002"]


def test_a_single_origin_is_a_list_of_one():
    assert QbraidProxy.allowed_origins.from_string("https://api.example.com") == ["https://api.example.com"]


def test_the_settings_are_listed_by_the_extensions_help():
    launcher = Path(sys.executable).parent / "jupyter-qbraid-session"
    shown = subprocess.run([str(launcher), "--help-all"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0
    for trait in QbraidProxy.class_own_traits(config=True):
        assert f"--QbraidProxy.{trait}=" in shown.stdout
