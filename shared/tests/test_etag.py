"""platform_shared.etag: strong tags, If-Match parsing and the 412/428 it answers."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask

from platform_shared.errors import PreconditionFailed, PreconditionRequired, register_error_handlers
from platform_shared.etag import etag_of, if_match, parse_if_match, set_etag


def test_a_tag_is_strong_quoted_and_moves_with_the_state():
    tag = etag_of("d1", 3)
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    assert etag_of("d1", 3) == tag
    assert etag_of("d1", 4) != tag and etag_of("d2", 3) != tag


def test_the_same_instant_gives_the_same_tag_in_any_zone_or_naive():
    moment = datetime(2026, 12, 2, 17, 0, 0, 123456, tzinfo=UTC)
    paris = moment.astimezone(timezone(timedelta(hours=1)))
    assert etag_of("d1", moment) == etag_of("d1", paris) == etag_of("d1", moment.replace(tzinfo=None))
    assert etag_of("d1", moment) != etag_of("d1", moment + timedelta(microseconds=1))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("*", []),
        (' "abc" ', [(False, "abc")]),
        ('"a", W/"b"', [(False, "a"), (True, "b")]),
        ('"a","b"', [(False, "a"), (False, "b")]),
        ("abc", None),
        ('"abc', None),
        ('"a" "b"', None),
        ("", None),
        ('"a", garbage', None),
    ],
)
def test_if_match_parsing(value, expected):
    assert parse_if_match(value) == expected


@pytest.fixture
def app():
    app = Flask("etag-test")
    register_error_handlers(app)

    @app.route("/thing", methods=["GET", "PATCH"])
    def thing():
        from flask import request

        precondition = if_match(required=request.args.get("strict") == "1")
        precondition.check(etag_of("thing", 1))
        set_etag(etag_of("thing", 2 if request.method == "PATCH" else 1))
        return {"ok": True}

    return app


def test_the_header_is_sent_and_if_match_is_checked(app):
    client = app.test_client()
    tag = client.get("/thing").headers["ETag"]
    assert tag == etag_of("thing", 1)
    assert client.patch("/thing", headers={"If-Match": tag}).headers["ETag"] == etag_of("thing", 2)
    stale = client.patch("/thing", headers={"If-Match": etag_of("thing", 0)})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert "ETag" not in stale.headers
    assert client.patch("/thing", headers={"If-Match": "W/" + tag}).status_code == 412
    assert client.patch("/thing", headers={"If-Match": "not a tag"}).status_code == 412
    assert client.patch("/thing").status_code == 200
    required = client.patch("/thing?strict=1")
    assert required.status_code == 428 and required.get_json()["type"].endswith("/precondition-required")


def test_the_problem_classes_have_their_statuses():
    assert (PreconditionFailed.status, PreconditionRequired.status) == (412, 428)


def test_a_row_tag_moves_with_any_column_and_ignores_json_key_order():
    from sqlalchemy import JSON, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        pass

    class Thing(Base):
        __tablename__ = "things"
        id: Mapped[str] = mapped_column(String(8), primary_key=True)
        name: Mapped[str | None] = mapped_column(String(20))
        extra: Mapped[dict] = mapped_column(JSON)

    from platform_shared.etag import row_etag

    thing = Thing(id="t1", name="a", extra={"x": 1, "y": [1, 2]})
    tag = row_etag(thing)
    assert row_etag(Thing(id="t1", name="a", extra={"y": [1, 2], "x": 1})) == tag
    thing.name = "b"
    assert row_etag(thing) != tag
    assert row_etag(Thing(id="t1", name=None, extra={})) != row_etag(Thing(id="t1", name="None", extra={}))


def test_dates_and_decimals_are_stamped_without_error():
    from datetime import date
    from decimal import Decimal

    assert etag_of("x", date(2026, 1, 2), Decimal("1.50"), {"at": datetime(2026, 1, 1, tzinfo=UTC)})
    assert etag_of("x", date(2026, 1, 2)) != etag_of("x", date(2026, 1, 3))
