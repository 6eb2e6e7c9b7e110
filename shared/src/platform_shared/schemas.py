"""``DirectDump``: a marshmallow schema mixin for the hot responses, the same output for less work (issue 18)."""

from __future__ import annotations

import functools
from typing import Any

from marshmallow import Schema, missing


class DirectDump:
    """Put it before ``Schema`` in a schema's bases: ``dump`` of a dict gives what marshmallow gives, faster.

    Marshmallow reaches each value through four calls (``Field.serialize``, ``get_value``, the schema's
    accessor, ``utils.get_value``); for the 36 fields of a dossier that was 50 µs of a 1 ms GET. Here a plan
    made once per schema instance (lookup key, output key, field) reads each value from the dict directly and
    hands it to the field's own ``_serialize``, as marshmallow does: the formats, ``None`` handling, nested
    schemas and ``dump_default`` are marshmallow's. A key absent from the dict is left out, as marshmallow
    leaves it out. Anything else (an object that is not a dict, ``many``, a dotted ``attribute``, a field
    that reads no attribute, an overridden ``get_attribute``) goes through marshmallow unchanged.
    """

    def _serialize(self, obj: Any, *, many: bool = False):
        plan = self._direct_plan if not many and type(obj) is dict else None
        if plan is None:
            return super()._serialize(obj, many=many)
        result = self.dict_class()
        for attr_name, lookup, key, field in plan:
            value = obj.get(lookup, missing)
            if value is missing:
                default = field.dump_default
                value = default() if callable(default) else default
                if value is missing:
                    continue
            result[key] = field._serialize(value, attr_name, obj)
        return result

    @functools.cached_property
    def _direct_plan(self) -> list[tuple] | None:
        """(attribute name, lookup key, output key, field) per dumped field; None when marshmallow must do it."""
        if type(self).get_attribute is not Schema.get_attribute:
            return None
        plan = []
        for attr_name, field in self.dump_fields.items():
            lookup = field.attribute if field.attribute is not None else attr_name
            if not field._CHECK_ATTRIBUTE or "." in lookup or hasattr(dict, lookup):
                return None
            plan.append((attr_name, lookup, field.data_key if field.data_key is not None else attr_name, field))
        return plan
