"""The server half's settings: traitlets, so admins set them as ``c.QbraidProxy.<name>``."""

from traitlets import Float, Integer, List, Unicode
from traitlets.config import Configurable


class QbraidProxy(Configurable):
    """The same-origin proxy from the lab to the qBraid APIs."""

    allowed_origins = List(
        Unicode(),
        default_value=[],
        help=(
            "API origins the proxy may reach besides qBraid's own "
            "(https://api-v2.qbraid.com, https://api.qbraid.com), e.g. a white-label "
            "deployment. Plain http is accepted only for loopback hosts. The browser "
            "cannot widen this list."
        ),
    ).tag(config=True)

    max_request_bytes = Integer(
        1024 * 1024, help="Largest request body forwarded to the API, in bytes."
    ).tag(config=True)

    max_response_bytes = Integer(
        16 * 1024 * 1024,
        help="Largest answer read from the API, in bytes; a longer one is cut off with an error.",
    ).tag(config=True)

    connect_timeout = Float(
        10.0, help="Seconds to wait for a connection to the API (or to an HTTP proxy)."
    ).tag(config=True)

    timeout = Float(
        60.0, help="Seconds to wait for each read from the API; the browser has its own per-attempt timeout."
    ).tag(config=True)

    max_redirects = Integer(30, help="Redirects followed within the allowed origins.").tag(config=True)

    max_connections = Integer(
        20, help="Connections to the APIs kept open and reused (the pool's size)."
    ).tag(config=True)

    ca_bundle = Unicode(
        "",
        help=(
            "A PEM file of CA certificates to trust for the APIs (a company CA). Empty: "
            "REQUESTS_CA_BUNDLE, then SSL_CERT_FILE, then the certifi bundle. "
            "TLS verification is never turned off."
        ),
    ).tag(config=True)
