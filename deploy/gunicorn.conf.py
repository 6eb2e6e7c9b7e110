"""gunicorn settings shared by the five APIs (overridable with GUNICORN_* variables)."""
import os

workers = int(os.environ.get("GUNICORN_WORKERS", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
accesslog = None  # the app logs each request as JSON with its request id
errorlog = "-"
# The app (and any pika connection) is created in each worker after the fork.
preload_app = False
