"""README "On a JupyterHub": the configuration it shows for jupyterhub_config.py and for Zero to
JupyterHub's config.yaml loads into JupyterHub's own config classes and sets the hook and the roles
the rotation needs (the real-hub browser suite runs the same lines in ui-tests/hub)."""

import re
from pathlib import Path

import yaml
from traitlets.config import Config

from jupyterlab_qbraid_session.hub import QbraidAuthStateHook

README = Path(__file__).resolve().parent.parent / "README.md"
SCOPES = ["access:servers!server", "users:activity!user", "read:users!user", "admin:auth_state!user"]


def hub_section():
    text = README.read_text(encoding="utf-8")
    start = text.index("## On a JupyterHub")
    return text[start : text.index("\n## ", start + 1)]


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", hub_section(), re.S)


def run(source):
    c = Config()
    exec(compile(source, "README.md", "exec"), {"c": c, "get_config": lambda: c})
    return c


def test_the_jupyterhub_config_lines_set_the_hook_auth_state_and_the_rotation_roles():
    c = run("\n".join(blocks("python")))
    assert c.Authenticator.enable_auth_state is True
    hook = c.Spawner.auth_state_hook
    assert isinstance(hook, QbraidAuthStateHook)
    assert hook.paths == {"QBRAID_API_KEY": "qbraid_api_key", "QBRAID_ACCESS_TOKEN": None, "QBRAID_API_URL": "qbraid_api_url"}
    assert c.Spawner.server_token_scopes == SCOPES
    user_role = [role for role in c.JupyterHub.load_roles if role["name"] == "user"]
    assert user_role and "admin:auth_state!user" in user_role[0]["scopes"]


def test_the_zero_to_jupyterhub_values_set_the_same():
    (values,) = [yaml.safe_load(block) for block in blocks("yaml")]
    hub = values["hub"]
    assert len(hub["config"]["CryptKeeper"]["keys"]) == 1
    assert "admin:auth_state!user" in hub["loadRoles"]["user"]["scopes"]
    c = run(hub["extraConfig"]["qbraid"])
    assert c.Authenticator.enable_auth_state is True
    assert isinstance(c.Spawner.auth_state_hook, QbraidAuthStateHook)
    assert c.Spawner.server_token_scopes == SCOPES
