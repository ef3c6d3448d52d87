"""A real JupyterHub for the browser tests (`playwright-hub.config.js`): a test authenticator that
keeps each user's qBraid key in auth_state (encrypted with JUPYTERHUB_CRYPT_KEY), local processes
for the users' servers, configurable-http-proxy, and this package's hook, as README "On a
JupyterHub" configures them. Everything lives under QBRAID_HUB_DIR."""

import os
import sys

from jupyterhub.auth import DummyAuthenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner

from jupyterlab_qbraid_session.hub import QbraidAuthStateHook

HERE = os.environ["QBRAID_HUB_DIR"]
API = os.environ["QBRAID_HUB_API"]
#: The qBraid key each test user logs in with (the local API knows them).
KEYS = {"ada": "hub-ada-key-1", "bob": "hub-bob-key-1"}


class QbraidTestAuthenticator(DummyAuthenticator):
    """Any password; auth_state holds the user's qBraid key and API URL, as an authenticator that
    stores a qBraid key would."""

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        if name not in KEYS:
            return None
        return {"name": name, "auth_state": {"qbraid_api_key": KEYS[name], "qbraid_api_url": f"{API}/api/v1"}}


c = get_config()  # noqa: F821
c.JupyterHub.authenticator_class = QbraidTestAuthenticator
c.Authenticator.enable_auth_state = True
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(HERE, "home", "{username}")
c.Spawner.cmd = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]
c.Spawner.args = [
    "--allow-root",
    "--LabApp.expose_app_in_browser=True",
    f"--QbraidProxy.allowed_origins=['{API}']",
]
c.Spawner.default_url = "/lab"
c.Spawner.auth_state_hook = QbraidAuthStateHook(api_key="qbraid_api_key", api_url="qbraid_api_url")
# A rotated key is read from auth_state by the user's own server (README, On a JupyterHub).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "admin:auth_state!user"]},
    {"name": "tests", "scopes": ["admin:users", "admin:auth_state"], "services": ["tests"]},
]
c.JupyterHub.services = [{"name": "tests", "api_token": os.environ["QBRAID_HUB_ADMIN_TOKEN"]}]
c.Spawner.server_token_scopes = [
    "access:servers!server",
    "users:activity!user",
    "read:users!user",
    "admin:auth_state!user",
]
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["QBRAID_HUB_PORT"])
c.JupyterHub.hub_port = int(os.environ["QBRAID_HUB_PORT"]) + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ['QBRAID_HUB_PORT']) + 2}"
c.ConfigurableHTTPProxy.command = [os.environ["QBRAID_CHP"]]
c.ConfigurableHTTPProxy.pid_file = os.path.join(HERE, "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{os.path.join(HERE, 'hub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(HERE, "cookie_secret")
c.JupyterHub.pid_file = os.path.join(HERE, "hub.pid")
