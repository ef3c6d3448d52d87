"""The qbraidrc endpoint: conditional, checked, atomic writes of the file the SDK reads."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from jupyterlab_qbraid_session.qbraidrc import QbraidrcError, QbraidrcFile, etag_of

RC = "[default]\napi-key = k-1\n# kept\n[aws]\nregion = eu\n"


@pytest.fixture
def qbraidrc(jp_home_dir) -> Path:
    """The path alone: these tests see the server make its folder."""
    return Path(jp_home_dir) / ".qbraid" / "qbraidrc"


async def get(jp_fetch):
    return await jp_fetch("qbraid-session", "qbraidrc", raise_error=False)


async def put(jp_fetch, content, **headers):
    return await jp_fetch(
        "qbraid-session", "qbraidrc", method="PUT", body=json.dumps({"content": content}), headers=headers, raise_error=False
    )


async def test_a_missing_file_is_404_and_is_created_with_if_none_match(jp_fetch, qbraidrc):
    response = await get(jp_fetch)
    assert response.code == 404
    assert json.loads(response.body) == {"message": "~/.qbraid/qbraidrc does not exist yet.", "reason": "qbraidrc_missing"}
    created = await put(jp_fetch, RC, **{"If-None-Match": "*"})
    assert created.code == 200
    assert qbraidrc.read_text() == RC
    assert stat.S_IMODE(qbraidrc.stat().st_mode) == 0o600
    assert stat.S_IMODE(qbraidrc.parent.stat().st_mode) == 0o700
    assert created.headers["ETag"] == etag_of(RC.encode())


async def test_reads_the_text_and_its_etag_whatever_the_server_root(jp_fetch, qbraidrc, jp_root_dir):
    # pytest-jupyter serves a root that is not the home, with hidden files off.
    assert Path(jp_root_dir) != qbraidrc.parent.parent
    qbraidrc.parent.mkdir()
    qbraidrc.write_text(RC)
    response = await get(jp_fetch)
    assert json.loads(response.body)["content"] == RC
    assert response.headers["ETag"] == etag_of(RC.encode())


async def test_a_write_with_the_login_cookie_but_no_xsrf_value_is_refused(jp_fetch, qbraidrc):
    # A token request leaves the login cookie, as a browser session has.
    info = await jp_fetch("qbraid-session", "info")
    login = [c.split(";")[0] for c in info.headers.get_list("Set-Cookie") if c.startswith("username-")]
    assert login
    cookie_only = {"Authorization": "", "Cookie": login[0], "If-None-Match": "*"}
    refused = await put(jp_fetch, RC, **cookie_only)
    assert refused.code == 403
    assert not qbraidrc.exists()
    with_xsrf = {**cookie_only, "Cookie": f"{login[0]}; _xsrf=same-value", "X-XSRFToken": "same-value"}
    accepted = await put(jp_fetch, RC, **with_xsrf)
    assert accepted.code == 200
    assert qbraidrc.read_text() == RC


async def test_a_write_needs_a_precondition(jp_fetch, qbraidrc):
    response = await put(jp_fetch, RC)
    assert response.code == 428
    assert not qbraidrc.exists()


async def test_a_stale_etag_is_412_and_nothing_is_written(jp_fetch, qbraidrc):
    qbraidrc.parent.mkdir()
    qbraidrc.write_text(RC)
    etag = (await get(jp_fetch)).headers["ETag"]
    qbraidrc.write_text(RC + "edited = in a terminal\n")
    response = await put(jp_fetch, "[default]\napi-key = mine\n", **{"If-Match": etag})
    assert response.code == 412
    assert "edited = in a terminal" in qbraidrc.read_text()
    created = await put(jp_fetch, RC, **{"If-None-Match": "*"})
    assert created.code == 412


async def test_a_current_etag_writes_and_keeps_the_mode(jp_fetch, qbraidrc):
    qbraidrc.parent.mkdir()
    qbraidrc.write_text(RC)
    os.chmod(qbraidrc, 0o640)
    etag = (await get(jp_fetch)).headers["ETag"]
    new = RC.replace("k-1", "k-2")
    response = await put(jp_fetch, new, **{"If-Match": etag})
    assert response.code == 200
    assert qbraidrc.read_text() == new
    assert stat.S_IMODE(qbraidrc.stat().st_mode) == 0o640
    assert [p.name for p in qbraidrc.parent.iterdir()] == ["qbraidrc"]


async def test_a_symlinked_qbraidrc_is_written_through_and_stays_a_link(jp_fetch, qbraidrc, jp_home_dir):
    dotfiles = Path(jp_home_dir) / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "qbraidrc"
    target.write_text(RC)
    qbraidrc.parent.mkdir()
    qbraidrc.symlink_to(target)
    etag = (await get(jp_fetch)).headers["ETag"]
    response = await put(jp_fetch, RC.replace("k-1", "k-3"), **{"If-Match": etag})
    assert response.code == 200
    assert qbraidrc.is_symlink()
    assert "k-3" in target.read_text()


async def test_honours_QBRAID_CONFIG_FILE(jp_fetch, tmp_path, monkeypatch):
    elsewhere = tmp_path / "custom" / "rc"
    monkeypatch.setenv("QBRAID_CONFIG_FILE", str(elsewhere))
    response = await put(jp_fetch, RC, **{"If-None-Match": "*"})
    assert response.code == 200
    assert elsewhere.read_text() == RC
    info = json.loads((await jp_fetch("qbraid-session", "info")).body)
    assert info["qbraidrc_path"] == str(elsewhere)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("api-key = before-any-section\n", "line 1: a key before any [section]"),
        ("[default]\na = 1\n[default]\n", "line 3: the section [default] appears twice"),
        ("[default]\na = 1\na = 2\n", "line 3: the key 'a' appears twice"),
        ("[default]\nthis line has no separator\n", "line 2: a line that is not 'key = value'"),
        ("\ufeff[default]\na = 1\n", "byte-order mark"),
        ("[default]\napi-key = 100%sure\n", "write it as '%%'"),
    ],
)
async def test_refuses_what_configparser_cannot_read_naming_the_line(jp_fetch, qbraidrc, content, expected):
    response = await put(jp_fetch, content, **{"If-None-Match": "*"})
    assert response.code == 400
    message = json.loads(response.body)["message"]
    assert expected in message
    assert "before-any-section" not in message and "100%sure" not in message
    assert not qbraidrc.exists()


async def test_refuses_more_than_64_kb(jp_fetch, qbraidrc):
    response = await put(jp_fetch, "[default]\n" + "k = v\n" * 12000, **{"If-None-Match": "*"})
    assert response.code == 413
    assert not qbraidrc.exists()


async def test_the_path_is_fixed_on_the_server(jp_fetch, qbraidrc, jp_home_dir):
    response = await jp_fetch(
        "qbraid-session",
        "qbraidrc",
        method="PUT",
        params={"path": "../../etc/evil"},
        body=json.dumps({"content": RC}),
        headers={"If-None-Match": "*"},
    )
    assert response.code == 200
    assert qbraidrc.read_text() == RC


def test_a_write_killed_halfway_leaves_the_old_file(tmp_path):
    rc = tmp_path / ".qbraid" / "qbraidrc"
    rc.parent.mkdir()
    rc.write_text(RC)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from jupyterlab_qbraid_session.qbraidrc import QbraidrcError, QbraidrcFile, etag_of
        # The server dies between writing the temp file and the rename.
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        rc = Path({str(rc)!r})
        QbraidrcFile(rc).write("[default]\\napi-key = new\\n", etag_of(rc.read_bytes()), None)
        """
    )
    done = subprocess.run([sys.executable, "-c", script])
    assert done.returncode == -9
    assert rc.read_text() == RC


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    rc = tmp_path / "qbraidrc"
    rc.write_text(RC)

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(QbraidrcError, match="is full") as refused:
        QbraidrcFile(rc).write("[default]\na = b\n", etag_of(RC.encode()), None)
    assert refused.value.code == "qbraidrc_disk_full" and refused.value.status_code == 507
    assert rc.read_text() == RC
    assert [p.name for p in tmp_path.iterdir()] == ["qbraidrc"]


async def test_a_write_in_progress_does_not_hold_up_the_server(jp_fetch, qbraidrc, monkeypatch):
    # The write waits until the server has answered another request: were the file
    # written on the event loop, that request could never be answered (a deadlock).
    answered = threading.Event()
    write = QbraidrcFile.write

    def slow_write(self, *args):
        if not answered.wait(timeout=30):
            raise AssertionError("the server answered nothing while the file was being written")
        return write(self, *args)

    monkeypatch.setattr(QbraidrcFile, "write", slow_write)
    writing = asyncio.ensure_future(put(jp_fetch, RC, **{"If-None-Match": "*"}))
    info = await jp_fetch("qbraid-session", "info")
    answered.set()
    assert info.code == 200
    assert (await writing).code == 200
    assert qbraidrc.read_text() == RC
