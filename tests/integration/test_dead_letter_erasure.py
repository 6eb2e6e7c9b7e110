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


def _dead_letter(url: str, queue: str, message_id: str, data: dict, error: str, declare: bool = True) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        if declare:
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


def _declare_service_queues(url: str, service: str, settings) -> QueueNames:
    from platform_shared.messaging.topology import declare_service_queues, unrouted_limits

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return declare_service_queues(
            connection.channel(), "domain", service, [], settings.retry_delays_ms, unrouted_limits(settings)
        )
    finally:
        connection.close()


def _messages(url: str, queue: str) -> list[str]:
    """The bodies in ``queue`` (taken and put back: nothing consumes these queues in this test)."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        bodies = []
        while True:
            method, _, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                return bodies
            bodies.append(body.decode())
    finally:
        connection.close()  # unacknowledged: every message goes back


def test_the_retry_queues_and_domain_unrouted_are_rewritten_too_keeping_the_retry_count(vhost):
    # delays long enough that nothing leaves a retry queue while the test reads it
    settings = load_settings(service_name="demo", amqp_url=vhost.url, consumer_retry_delays_ms="600000,600000")
    names = _declare_service_queues(vhost.url, "demo", settings)
    _dead_letter(vhost.url, names.retry(2), "m-retry", {"email": EMAIL, "name": NAME}, "temporary", declare=False)
    _dead_letter(vhost.url, "domain.unrouted", "m-unrouted", {"email": EMAIL}, "", declare=False)
    _dead_letter(vhost.url, names.retry(1), "m-other", {"email": "other@example.test"}, "temporary", declare=False)
    assert redact_dead_letters(settings, [EMAIL.lower(), NAME]) == 1  # its own queues: not domain.unrouted
    [retried] = _messages(vhost.url, names.retry(2))
    assert json.loads(retried)["data"] == {"email": "[erased]", "name": "[erased]"}
    assert EMAIL.lower() in _messages(vhost.url, "domain.unrouted")[0].lower()
    assert redact_dead_letters(settings, [EMAIL.lower(), NAME], unrouted=True) == 1  # the directory's owner
    assert json.loads(_messages(vhost.url, "domain.unrouted")[0])["data"] == {"email": "[erased]"}
    assert json.loads(_messages(vhost.url, names.retry(1))[0])["data"] == {"email": "other@example.test"}
    connection = pika.BlockingConnection(pika.URLParameters(vhost.url))
    try:
        method, properties, _ = connection.channel().basic_get(names.retry(2), auto_ack=False)
        assert properties.headers["x-retry-count"] == 3 and properties.message_id == "m-retry"
    finally:
        connection.close()


def test_a_second_erasure_rewriting_the_same_queues_at_once_fails_to_be_retried(vhost):
    settings = load_settings(service_name="demo", amqp_url=vhost.url)
    _declare_service_queues(vhost.url, "demo", settings)
    holder = pika.BlockingConnection(pika.URLParameters(vhost.url))
    try:
        holder.channel().queue_declare(queue="demo.erasure.lock", exclusive=True)  # an erasure under way
        with pytest.raises(UpstreamUnavailable):
            redact_dead_letters(settings, [EMAIL])
    finally:
        holder.close()
    assert redact_dead_letters(settings, [EMAIL]) == 0  # the lock is gone with its connection
