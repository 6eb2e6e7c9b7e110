"""Categories and classification rules (admin), and classifying a portal request when it is submitted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from platform_shared import clock
from platform_shared.auth import Caller
from platform_shared.db import get_or_404
from platform_shared.errors import ValidationFailed

from ..db import Category, ClassificationRuleRow
from ..domain.classification import ClassificationRule, Match, classify
from ..domain.errors import CategoryInUse, UnknownCategory


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.position, Category.code)))


def labels(session: Session) -> dict[str, str]:
    """Category code -> label (a code nobody configured is shown as itself)."""
    return {row.code: row.label for row in list_categories(session)}


def replace_categories(session: Session, entries: Sequence[Mapping[str, str]]) -> list[Category]:
    """The list replaces the previous one; a category a rule still uses cannot be removed (422)."""
    codes = [entry["code"] for entry in entries]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ValidationFailed("A category is listed twice.", errors={"code": [f"Listed twice: {', '.join(twice)}."]})
    kept = set(codes)
    used = {row.category for row in session.scalars(select(ClassificationRuleRow))}
    problems = {code: ["A classification rule uses it."] for code in sorted(used - kept)}
    if problems:
        raise CategoryInUse(problems)
    session.execute(delete(Category))
    now = clock.now()
    for position, entry in enumerate(entries):
        session.add(Category(code=entry["code"], label=entry["label"], position=position, updated_at=now))
    session.flush()
    return list_categories(session)


def check_category(session: Session, category: str, field: str = "category") -> None:
    if session.get(Category, category) is None:
        raise UnknownCategory(field, category)


def list_rules(session: Session) -> list[ClassificationRuleRow]:
    return list(
        session.scalars(
            select(ClassificationRuleRow).order_by(
                ClassificationRuleRow.position, ClassificationRuleRow.created_at, ClassificationRuleRow.id
            )
        )
    )


def get_rule(session: Session, rule_id: str) -> ClassificationRuleRow:
    return get_or_404(session, ClassificationRuleRow, rule_id, "No such classification rule.")


def _apply(row: ClassificationRuleRow, body: Mapping[str, Any]) -> None:
    row.name, row.category = body["name"], body["category"]
    row.keywords = [keyword.strip() for keyword in body["keywords"] if keyword.strip()]
    row.fields, row.kinds, row.position = list(body["fields"]), list(body["kinds"]), body["position"]
    row.updated_at = clock.now()


def create_rule(session: Session, caller: Caller, body: Mapping[str, Any]) -> ClassificationRuleRow:
    check_category(session, body["category"])
    row = ClassificationRuleRow(id=clock.new_id(), created_by=caller.sub, created_at=clock.now())
    _apply(row, body)
    session.add(row)
    session.flush()
    return row


def replace_rule(session: Session, rule_id: str, body: Mapping[str, Any]) -> ClassificationRuleRow:
    row = get_rule(session, rule_id)
    check_category(session, body["category"])
    _apply(row, body)
    return row


def delete_rule(session: Session, rule_id: str) -> ClassificationRuleRow:
    row = get_rule(session, rule_id)
    session.delete(row)
    return row


def classify_request(
    session: Session, *, kind: str, title: str, description: str, values: Mapping[str, Any]
) -> Match | None:
    rules = [
        ClassificationRule(
            id=row.id,
            name=row.name,
            category=row.category,
            keywords=tuple(row.keywords or ()),
            fields=tuple(row.fields or ()),
            kinds=tuple(row.kinds or ()),
        )
        for row in list_rules(session)
    ]
    return classify(rules, kind=kind, title=title, description=description, values=values)
