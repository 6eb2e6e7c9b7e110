"""Domain exceptions of the attestation service, mapped to problem+json by the shared error classes they extend."""

from __future__ import annotations

from collections.abc import Sequence

from platform_shared.errors import Conflict, Forbidden, TooManyRequests, ValidationFailed


class ProductCodeTaken(Conflict):
    def __init__(self, code: str):
        super().__init__(f"A product with code {code} already exists.")


class ContractNumberTaken(Conflict):
    def __init__(self, number: str):
        super().__init__(f"A contract numbered {number} already exists.")


class InvalidContract(ValidationFailed):
    """A contract, beneficiary or receipt that breaks a rule; ``errors`` names the field."""

    def __init__(self, detail: str, field: str, message: str):
        super().__init__(detail, errors={field: [message]})


class InvalidBeneficiary(ValidationFailed):
    def __init__(self, kind: str, problems: dict[str, list[str]]):
        super().__init__(f"The {kind} beneficiary is not valid.", errors=problems)


class TemplatesNotOffered(ValidationFailed):
    """Templates a product cannot offer as attestations; ``errors.templates`` names each by its list index."""

    def __init__(self, problems: dict):
        super().__init__("Some templates cannot be offered as attestations.", errors={"templates": problems})


class ValidatorsMissing(ValidationFailed):
    def __init__(self):
        super().__init__(
            "Prior validation needs validators.", errors={"validators": ["Name at least one user or a role."]}
        )


class NotEligible(Conflict):
    """The contract does not allow an attestation today; ``errors.reasons`` says why."""

    def __init__(self, reasons: Sequence[str], messages: Sequence[str], lead: str):
        super().__init__(f"{lead} " + " ".join(messages), errors={"reasons": list(reasons)})


class InvalidTemplateChoice(ValidationFailed):
    def __init__(self, detail: str, message: str):
        super().__init__(detail, errors={"template_id": [message]})


class InvalidInputs(ValidationFailed):
    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("Some input fields are missing or unknown.", errors={"inputs": problems})


class NotAValidator(Forbidden):
    def __init__(self):
        super().__init__("You are not among this task's validators.")


class TaskAlreadyDecided(Conflict):
    def __init__(self):
        super().__init__("This validation task has already been decided.")


class NotRevocable(Conflict):
    """Only an attestation the client holds (issued or approved) can be revoked, and only once."""

    def __init__(self, detail: str):
        super().__init__(detail)


class InvalidAssignee(ValidationFailed):
    def __init__(self):
        super().__init__(
            "The assignee must be one of the task's validators.",
            errors={"assignee_sub": ["Not among the validators of this task."]},
        )


class TooManyVerifications(TooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__("Too many verifications from this address: try again later.", retry_after=retry_after)
