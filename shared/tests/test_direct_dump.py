"""DirectDump gives exactly marshmallow's dump, on the inputs it reads itself and on those it hands back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields

from platform_shared.schemas import DirectDump


class Inner(Schema):
    id = fields.String()
    at = fields.DateTime()


class Plain(Schema):
    name = fields.String()
    count = fields.Integer(allow_none=True)
    share = fields.Float()
    price = fields.Decimal(as_string=True)
    flag = fields.Boolean()
    day = fields.Date()
    at = fields.DateTime(allow_none=True)
    tags = fields.List(fields.String())
    mapping = fields.Dict(keys=fields.String(), values=fields.Integer())
    raw = fields.Raw(allow_none=True)
    renamed = fields.String(data_key="renamedKey")
    from_other = fields.String(attribute="other_key")
    defaulted = fields.String(dump_default="fallback")
    called_default = fields.List(fields.String(), dump_default=list)
    inner = fields.Nested(Inner, allow_none=True)
    inners = fields.List(fields.Nested(Inner))


class Direct(DirectDump, Plain):
    inner = fields.Nested(type("DirectInner", (DirectDump, Inner), {}), allow_none=True)


MOMENT = datetime(2026, 12, 3, 9, 15, 30, 123456, tzinfo=UTC)
FULL = {
    "name": "Dossier",
    "count": 3,
    "share": 0.5,
    "price": Decimal("12.30"),
    "flag": 1,
    "day": date(2026, 12, 3),
    "at": MOMENT,
    "tags": ["a", 2],
    "mapping": {"x": "4"},
    "raw": {"any": [1, None]},
    "renamed": "r",
    "other_key": "o",
    "defaulted": "given",
    "called_default": ["c"],
    "inner": {"id": 7, "at": MOMENT},
    "inners": [{"id": "i1", "at": MOMENT}, {"id": "i2"}],
    "ignored": "not a field",
}


@pytest.mark.parametrize(
    "data",
    [
        FULL,
        {},
        {"count": None, "at": None, "raw": None, "inner": None},
        {key: FULL[key] for key in ("name", "tags", "inners")},
    ],
    ids=["every-field", "empty", "nones", "some-keys"],
)
def test_a_dict_dumps_exactly_as_marshmallow_dumps_it(data):
    assert Direct()._direct_plan is not None  # read by DirectDump itself
    assert Direct().dump(data) == Plain().dump(data)
    assert list(Direct().dump(data)) == list(Plain().dump(data))  # and in the same order


def test_what_it_does_not_read_itself_goes_through_marshmallow():
    assert Direct().dump(SimpleNamespace(**FULL)) == Plain().dump(SimpleNamespace(**FULL))
    assert Direct(many=True).dump([FULL, {}]) == Plain(many=True).dump([FULL, {}])
    assert Direct(only=("name", "inner")).dump(FULL) == {"name": "Dossier", "inner": Inner().dump(FULL["inner"])}

    class Dotted(DirectDump, Schema):
        city = fields.String(attribute="address.city")

    class DictNamed(DirectDump, Schema):  # a key named like a dict method: marshmallow falls back to getattr
        items = fields.Raw()

    class WithConstant(DirectDump, Schema):  # a field that reads no attribute
        kind = fields.Constant("always")

    assert Dotted().dump({"address": {"city": "Lyon"}}) == {"city": "Lyon"} and Dotted()._direct_plan is None
    assert DictNamed().dump({"items": [1]}) == {"items": [1]} and DictNamed()._direct_plan is None
    assert WithConstant().dump({}) == {"kind": "always"} and WithConstant()._direct_plan is None


def test_the_dossier_schemas_use_it():
    from importlib.util import find_spec

    if find_spec("dossier") is None:
        pytest.skip("the dossier service is not installed")
    from dossier.api.schemas import DevelopmentSchema, DossierSchema, DossierSummarySchema

    for schema in (DossierSchema, DossierSummarySchema, DevelopmentSchema):
        assert issubclass(schema, DirectDump) and schema()._direct_plan is not None
