"""Domain exceptions of the notification service, mapped to problem+json by the shared error classes they extend."""

from __future__ import annotations

from platform_shared.errors import NotFound, ValidationFailed


class RuleWithoutRecipients(ValidationFailed):
    def __init__(self):
        super().__init__(
            "A rule needs at least one recipient.",
            errors={"recipients": ["Name users, roles, groups, addresses or dossier_actors."]},
        )


class NotABuiltinRule(NotFound):
    """Only built-in rules are switched on and off; an admin's rule is deleted instead."""

    def __init__(self):
        super().__init__("No such built-in rule.")


class CannotResend(ValidationFailed):
    """An operator asked to resend deliveries that are not all unknown (``errors``: id -> why)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("Only deliveries whose outcome is unknown can be resent.", errors=problems)
