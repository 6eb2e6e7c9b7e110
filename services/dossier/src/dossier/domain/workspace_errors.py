"""Errors of the workspace (problem+json 409 / 422 naming the field, through the shared error classes)."""

from __future__ import annotations

from platform_shared.errors import Conflict, ValidationFailed


class InvalidWorkspaceInput(ValidationFailed):
    """``errors`` is keyed by the field's place in the body (``lines.1.quantity``, ``ends_at``...)."""

    def __init__(self, problems: dict[str, list[str]]):
        first = next(iter(problems.items()))
        super().__init__(f"{first[0]}: {first[1][0]}", errors=problems)


def invalid(field: str, message: str) -> InvalidWorkspaceInput:
    return InvalidWorkspaceInput({field: [message]})


class StatusNotAllowed(Conflict):
    def __init__(self, kind: str, current: str, target: str):
        label = kind.replace("_", " ")
        super().__init__(
            f"A {label} cannot go from '{current}' to '{target}'.",
            errors={"to": [f"not allowed from {current}"]},
        )


class NotEditable(Conflict):
    def __init__(self, detail: str, field: str = "status"):
        super().__init__(detail, errors={field: [detail]})
