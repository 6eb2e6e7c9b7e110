"""A person's erasure rewrites the dead letters naming them (``platform_shared.dead_letter_erasure``), on a real
RabbitMQ: the letter stays (id, type, headers: a replay still works) with their email and name ``[erased]``;
letters about others are not touched; an unreachable broker is a 503-style error, so the erasure is retried."""

from __future__ import annotations

import json

import pika
import pytest

from platform_shared.config import load_settings
from platform_shared.dead_letter_erasure import redact_dead_letters
from platform_shared.errors import UpstreamUnavailable
from platform_shared.messaging.dead_letters import list_dead_letters
from platform_shared.messaging.topology import QUORUM, QueueNames
from platform_shared.testing import infra

EMAIL, NAME = "Zoe.Ledoux@example.test", "Zoé Ledoux"


@pytest.fixture
def vhost():
    try:
        created = infra.create_vhost(infra.amqp_url(), prefix="dlerase")
    except infra.InfraUnavailable as error:
        pytest.skip(str(error))
    yield created
    infra.delete_vhost(created)


def _dead_letter(url: str, queue: str, message_id: str, data: dict, error: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        channel.queue_declare(queue=queue, durable=True, arguments=QUORUM)
        body = json.dumps({"id": message_id, "type": "contact.changed", "data": data})  # ASCII-escaped, as events are
        properties = pika.BasicProperties(
            message_id=message_id, type="contact.changed", headers={"x-error": error, "x-retry-count": 3}
        )
        channel.basic_publish("", queue, body.encode(), properties)
    finally:
        connection.close()


def test_the_dead_letters_naming_the_person_are_rewritten_and_the_others_left_alone(vhost):
    settings = load_settings(service_name="demo", amqp_url=vhost.url)
    queue = QueueNames("demo").dead
    _dead_letter(vhost.url, queue, "m-zoe", {"email": EMAIL, "name": NAME}, f"no contact {EMAIL.lower()}")
    _dead_letter(vhost.url, queue, "m-other", {"email": "other@example.test", "name": "Other"}, "boom")
    assert redact_dead_letters(settings, [EMAIL.lower(), NAME]) == 1
    letters = {item["message_id"]: item for item in list_dead_letters(settings)}
    assert set(letters) == {"m-zoe", "m-other"}
    zoe = letters["m-zoe"]
    assert zoe["type"] == "contact.changed" and zoe["retries"] == 3
    assert zoe["body"]["data"] == {"email": "[erased]", "name": "[erased]"}
    assert zoe["error"] == "no contact [erased]"
    assert letters["m-other"]["body"]["data"] == {"email": "other@example.test", "name": "Other"}
    assert redact_dead_letters(settings, [EMAIL.lower(), NAME]) == 0  # idempotent: a retried erasure


def test_a_service_without_a_dead_letter_queue_has_nothing_to_rewrite(vhost):
    settings = load_settings(service_name="never-declared", amqp_url=vhost.url)
    assert redact_dead_letters(settings, [EMAIL]) == 0


def test_an_unreachable_broker_is_an_upstream_error_so_the_erasure_is_retried():
    settings = load_settings(service_name="demo", amqp_url="amqp://guest:guest@127.0.0.1:1/%2F")
    with pytest.raises(UpstreamUnavailable):
        redact_dead_letters(settings, [EMAIL])
