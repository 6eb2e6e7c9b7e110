"""gunicorn settings shared by the five APIs (overridable with GUNICORN_* variables).

Behind the reverse proxy (compose, Kubernetes) set GUNICORN_FORWARDED_ALLOW_IPS to the
proxy's addresses (or "*" on a private network): gunicorn then trusts the proxy's
X-Forwarded-* headers and its SCRIPT_NAME header, so ``/api/<service>/docs`` links to
``/api/<service>/openapi.json``. On SIGTERM gunicorn stops accepting connections and lets
requests in flight finish for up to GUNICORN_GRACEFUL_TIMEOUT seconds.
"""

import os
import subprocess
import sys

workers = int(os.environ.get("GUNICORN_WORKERS", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
keepalive = 5
# The longest request line gunicorn reads (its default is 4094): longer ones get its own 414 in HTML, while
# up to this the app answers, in problem+json (a long cursor or filter is a 422, never a bare HTML page).
limit_request_line = 8190
accesslog = None  # the app logs each request as JSON with its request id
errorlog = "-"
# No control socket (gunicorn 25+): its default path is one per user ($HOME/.gunicorn/gunicorn.ctl), so the
# APIs of one machine fought over it ("Address already in use" at make run); processes are managed by signals
# (the supervisor, compose, Kubernetes), and it was one more thread in each master.
control_socket_disable = True
# The app (and any pika connection) is created in each worker after the fork.
preload_app = False


# Run by on_starting in a child process: the master stays a small process (the settings' imports, pydantic
# among them, cost it about 14 MiB that no worker shares; issue 18: memory).
_CHECK_SETTINGS = """
import importlib, sys
from platform_shared.config import ConfigError
package = sys.argv[1]
try:
    settings = importlib.import_module(package + ".config")
except ModuleNotFoundError as error:
    if error.name in (package, package + ".config"):
        sys.exit(0)  # not one of the services (a test's app): nothing to check
    raise
try:
    settings.load()
except ConfigError as error:
    print(error.message, file=sys.stderr)
    sys.exit(3)
"""


def on_starting(server):
    """Check the service's settings before any worker boots (in a child process, see above).

    A worker failing in ``create_app()`` would print a traceback and be booted again; a bad
    setting instead stops gunicorn at once with the settings' one message (exit 1).
    """
    package = server.app.app_uri.split(":")[0].split(".")[0]
    check = subprocess.run(
        [sys.executable, "-c", _CHECK_SETTINGS, package], capture_output=True, text=True, timeout=120
    )
    if check.returncode != 0:
        server.log.error("%s", check.stderr.strip())
        sys.exit(1)
