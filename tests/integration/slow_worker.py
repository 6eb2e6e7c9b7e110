"""A worker process with one slow handler, for the crash test (run as a script by the test).

Environment: DATABASE_URL, AMQP_URL, SERVICE (queue name prefix), SLOW_SECONDS, STARTED_MARKER, and
WORKER_METRICS_PORT to serve its probes and metrics.
"""

import os
import time
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, insert

from platform_shared.config import load_settings
from platform_shared.db import Database
from platform_shared.messaging.tables import messaging_metadata
from platform_shared.worker import run_worker

effects = Table("effects", MetaData(), Column("event_id", String(36), primary_key=True))


def slow_handler(session, envelope):
    session.execute(insert(effects).values(event_id=envelope.id))
    Path(os.environ["STARTED_MARKER"]).write_text(envelope.id)
    time.sleep(float(os.environ.get("SLOW_SECONDS", "0")))


if __name__ == "__main__":
    settings = load_settings(service_name=os.environ["SERVICE"])
    db = Database(settings.database_url)
    messaging_metadata.create_all(db.engine)  # a throwaway test database, not a service's
    effects.metadata.create_all(db.engine)
    port = os.environ.get("WORKER_METRICS_PORT")
    run_worker(settings, db, {"probe.slow": slow_handler}, metrics_port=int(port) if port else None)
