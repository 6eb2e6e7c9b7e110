"""Access keys: entropy and format, hash at rest, single use, expiry, re-issue, lock-out, generic errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gateway_world import unique
from sqlalchemy import func, select

from partner_gateway.db import AttachFailure
from partner_gateway.domain import keys
from partner_gateway.domain.rules import key_expiry, lockout_retry_after
from partner_gateway.jobs import purge_attach_failures
from platform_shared import clock
from platform_shared.messaging.sealed import unseal
from platform_shared.testing.unit import outbox_events


def test_a_key_has_at_least_128_bits_in_groups_of_an_unambiguous_alphabet():
    key = keys.generate_key()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}", key)
    assert keys.KEY_BITS >= 128
    assert len(keys.ALPHABET) == 32 and not set("ILOU") & set(keys.ALPHABET)
    assert len({keys.generate_key() for _ in range(200)}) == 200


def test_a_typed_key_is_forgiven_case_spaces_and_look_alike_letters():
    key = "0A1B-CDEF-GHJK-MNPQ-RSTV-WXYZ-2345"
    assert keys.hash_key(" oa1b cdef-ghjk mnpq rstv wxyz 2345 ".replace("1", "l")) == keys.hash_key(key)
    assert keys.hashes_match(keys.hash_key(key), key.lower())
    assert not keys.hashes_match(keys.hash_key(key), key[:-1] + "6")


def test_the_plain_key_is_nowhere_in_the_database_only_its_hash_and_a_sealed_copy(world, settings):
    created = world.solicit(world.dossier())
    key = created["access_key"]
    database_bytes = b"".join(
        path.read_bytes() for path in Path(settings.database_url[len("sqlite:///") :]).parent.glob("service.db*")
    )
    assert key.encode() not in database_bytes
    assert key.replace("-", "").encode() not in database_bytes
    assert keys.hash_key(key).encode() in database_bytes
    event = outbox_events(world.db, "solicitation.created")[0]
    assert "access_key" not in event.data and key not in str(event.data)
    assert unseal(event.data["sealed_key"], settings.event_secret_key) == key


def test_the_key_is_returned_once_and_never_listed(world, client):
    dossier_id = world.dossier()
    world.solicit(dossier_id)
    listed = client.get(f"/api/v1/dossiers/{dossier_id}/solicitations", headers=world.agent).get_json()["items"]
    assert "access_key" not in listed[0]


def test_a_key_attaches_once_then_says_it_was_used(world):
    key = world.solicit(world.dossier())["access_key"]
    first = world.attach(key, unique("partner"))
    assert first.status_code == 200 and first.get_json()["kind"] == "solicitation"
    second = world.attach(key, unique("partner"))
    assert second.status_code == 409


def test_an_expired_key_is_gone(world):
    created = world.solicit(world.dossier())
    expiry = datetime.fromisoformat(created["key_expires_at"])
    headers = world.partner_headers(unique("partner"))
    with clock.frozen_at(expiry + timedelta(seconds=1)):
        response = world.attach(created["access_key"], "", headers)
    assert response.status_code == 410


def test_the_key_expires_at_the_end_of_the_due_date_plus_the_grace_period(world, settings):
    created = world.solicit(world.dossier())
    due = datetime.fromisoformat(created["due_date"]).date()
    assert datetime.fromisoformat(created["key_expires_at"]) == key_expiry(due, settings.key_grace_days)
    assert key_expiry(due, 7) == datetime(due.year, due.month, due.day, tzinfo=UTC) + timedelta(days=8)


def test_a_reissued_key_replaces_the_old_one(world, client, settings):
    created = world.solicit(world.dossier())
    response = client.post(f"/api/v1/solicitations/{created['id']}/reissue-key", headers=world.agent)
    assert response.status_code == 200
    new_key = response.get_json()["access_key"]
    assert new_key != created["access_key"]
    assert world.attach(created["access_key"], unique("partner")).status_code == 404
    assert world.attach(new_key, unique("partner")).status_code == 200
    event = outbox_events(world.db, "solicitation.key_reissued")[0]
    assert unseal(event.data["sealed_key"], settings.event_secret_key) == new_key


def test_a_key_cannot_be_reissued_once_attached(world, client):
    solicitation, _, _ = world.attached_solicitation()
    assert (
        client.post(f"/api/v1/solicitations/{solicitation['id']}/reissue-key", headers=world.agent).status_code == 409
    )


def test_unknown_withdrawn_and_revoked_keys_get_the_same_generic_answer(world, client):
    created = world.solicit(world.dossier())
    client.post(f"/api/v1/solicitations/{created['id']}/revoke", headers=world.agent)
    revoked = world.attach(created["access_key"], unique("partner"))
    unknown = world.attach(keys.generate_key(), unique("partner"))
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.get_json() == unknown.get_json()


def test_five_failures_lock_the_account_with_retry_after_and_the_key_is_not_even_checked(world):
    good_key = world.solicit(world.dossier())["access_key"]
    sub = unique("partner")
    for _ in range(5):
        assert world.attach(keys.generate_key(), sub).status_code == 404
    locked = world.attach(good_key, sub)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert world.attach(good_key, unique("partner")).status_code == 200, "the key stayed unused"


def test_the_lock_opens_when_the_window_has_passed(world):
    good_key = world.solicit(world.dossier())["access_key"]
    sub = unique("partner")
    headers = world.partner_headers(sub)
    start = clock.now()
    with clock.frozen_at(start):
        for _ in range(5):
            world.attach(keys.generate_key(), sub, headers)
    with clock.frozen_at(start + timedelta(minutes=15, seconds=1)):
        assert world.attach(good_key, sub, headers).status_code == 200


def test_lockout_counts_only_failures_inside_the_window():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    window = timedelta(minutes=15)
    old = [now - timedelta(minutes=20)] * 10
    assert lockout_retry_after(old, now, 5, window) is None
    recent = [now - timedelta(minutes=minutes) for minutes in (10, 8, 6, 4, 2)]
    assert lockout_retry_after(recent, now, 5, window) == 5 * 60
    assert lockout_retry_after(recent[1:], now, 5, window) is None


def test_attach_is_for_portal_accounts(world, client):
    key = world.solicit(world.dossier())["access_key"]
    assert client.post("/api/v1/attach", json={"key": key}, headers=world.agent).status_code == 403


def test_attach_failures_out_of_the_window_are_deleted_in_batches_and_the_recent_ones_kept(world, db, settings):
    sub = unique("partner")
    start = clock.now()
    for minutes in (40, 30, 20, 14, 1):
        with clock.frozen_at(start - timedelta(minutes=minutes)):
            world.attach(keys.generate_key(), sub, world.partner_headers(sub))
    with clock.frozen_at(start):
        deleted = purge_attach_failures(db, settings.replace(retention_batch_size=2))
    assert deleted == 3  # 40, 30 and 20 minutes old: out of the 15-minute window
    with db.read_only() as session:
        kept = session.execute(select(func.count()).select_from(AttachFailure)).scalar_one()
    assert kept == 2
