"""The server half's settings: traitlets, so admins set them as ``c.QbraidProxy.<name>``.

They are listed by ``jupyter qbraid-session --help-all`` (the extension's own launcher:
``jupyter server --help-all`` lists only the server's own classes).
"""

from __future__ import annotations

from ast import literal_eval

from traitlets import Float, Integer, List, Unicode
from traitlets.config import Configurable


class StringList(List):
    """A list of strings that also takes the list form on the command line.

    ``--QbraidProxy.allowed_origins=https://a --QbraidProxy.allowed_origins=https://b`` and
    ``--QbraidProxy.allowed_origins="['https://a', 'https://b']"`` (the form many Jupyter docs
    show) both work, also when the server parses the command line before the extension is
    loaded and hands the value over as one string.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(Unicode(), **kwargs)

    def from_string(self, s: str):
        text = s.strip()
        if text.startswith(("[", "(")) and text.endswith(("]", ")")):
            try:
                value = literal_eval(text)
            except (ValueError, SyntaxError):
                value = None
            if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
                return list(value)
        return [s]


class QbraidProxy(Configurable):
    """The same-origin proxy from the lab to the qBraid APIs."""

    allowed_origins = StringList(
        default_value=[],
        help=(
            "API origins the proxy may reach besides qBraid's own "
            "(https://api-v2.qbraid.com, https://api.qbraid.com), e.g. a white-label "
            "deployment. Plain http is accepted only for loopback hosts. The browser "
            "cannot widen this list."
        ),
    ).tag(config=True)

    max_request_bytes = Integer(
        1024 * 1024, min=0, help="Largest request body forwarded to the API, in bytes."
    ).tag(config=True)

    max_response_bytes = Integer(
        16 * 1024 * 1024,
        min=0,
        help="Largest answer read from the API, in bytes; a longer one is cut off with an error.",
    ).tag(config=True)

    connect_timeout = Float(
        10.0, min=0.1, help="Seconds to wait for a connection to the API (or to an HTTP proxy)."
    ).tag(config=True)

    pool_timeout = Float(
        10.0,
        min=0.1,
        help=(
            "Seconds a request waits for a free connection when every connection to its "
            "API origin is busy; then it fails with upstream_connect (nothing was sent)."
        ),
    ).tag(config=True)

    timeout = Float(
        60.0, min=0.1, help="Seconds to wait for each read from the API."
    ).tag(config=True)

    request_timeout = Float(
        90.0,
        min=0.1,
        help=(
            "Seconds one request may take in all, redirects and the whole answer included, "
            "however slowly the API sends it."
        ),
    ).tag(config=True)

    max_redirects = Integer(30, min=0, help="Redirects followed within the allowed origins.").tag(config=True)

    max_connections = Integer(
        20, min=1, help="Connections to the APIs kept open and reused (the pool's size)."
    ).tag(config=True)

    max_connections_per_origin = Integer(
        8,
        min=1,
        help="Connections to one API origin at once, so that a slow API cannot take the whole pool.",
    ).tag(config=True)

    ca_bundle = Unicode(
        "",
        help=(
            "A PEM file of CA certificates to trust for the APIs (a company CA). Empty: "
            "REQUESTS_CA_BUNDLE, then SSL_CERT_FILE, then the certifi bundle. "
            "TLS verification is never turned off."
        ),
    ).tag(config=True)

    qbraidrc_timeout = Float(
        10.0,
        min=0.1,
        help="Seconds a read or write of qbraidrc may take before the endpoint answers qbraidrc_busy.",
    ).tag(config=True)
