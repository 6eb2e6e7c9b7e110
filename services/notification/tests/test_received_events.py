from sqlalchemy import func, select

from notification.db import ReceivedEvent
from notification.handlers import handlers
from platform_shared.testing.unit import deliver


def _count(db):
    with db.read_only() as session:
        return session.execute(select(func.count()).select_from(ReceivedEvent)).scalar_one()


def test_a_dossier_created_event_is_recorded(db, settings):
    deliver(db, "notification", handlers(settings), "dossier.created", {"dossier_id": "d-1"})
    assert _count(db) == 1


def test_the_same_event_delivered_twice_has_one_effect(db, settings):
    envelope = deliver(db, "notification", handlers(settings), "dossier.created", {"dossier_id": "d-1"})
    deliver(db, "notification", handlers(settings), "dossier.created", {}, envelope=envelope)
    assert _count(db) == 1
