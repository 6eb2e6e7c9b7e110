"""Prior validation: the setting that applies to a product, and who may decide a task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platform_shared.auth import Caller


@dataclass(frozen=True)
class ValidationPolicy:
    required: bool
    validator_subs: tuple[str, ...] = ()
    validator_role: str | None = None


NO_VALIDATION = ValidationPolicy(required=False)


def effective_policy(
    global_policy: ValidationPolicy | None,
    product_required: bool | None,
    product_subs: Sequence[str],
    product_role: str | None,
) -> ValidationPolicy:
    """The product's own choice when it made one (``required`` not null), else the global one."""
    if product_required is None:
        return global_policy or NO_VALIDATION
    return ValidationPolicy(product_required, tuple(product_subs), product_role)


def may_decide(caller: Caller, validator_subs: Sequence[str], validator_role: str | None) -> bool:
    """Admins always; other staff when named or holding the validators' role."""
    if caller.is_admin:
        return True
    if not caller.is_staff:
        return False
    return caller.sub in validator_subs or (validator_role is not None and caller.role == validator_role)


def pick_assignee(validator_subs: Sequence[str], open_counts: dict[str, int]) -> str | None:
    """The named validator with the fewest open tasks (the first named on a tie); none when only a role is."""
    if not validator_subs:
        return None
    return min(validator_subs, key=lambda sub: (open_counts.get(sub, 0), list(validator_subs).index(sub)))


def may_be_assigned(sub: str, validator_subs: Sequence[str], validator_role: str | None) -> bool:
    """A task goes to one of its named validators; with a validators' role, any staff member may take it
    (this service does not know who holds a role; deciding still checks it)."""
    return sub in validator_subs or validator_role is not None
