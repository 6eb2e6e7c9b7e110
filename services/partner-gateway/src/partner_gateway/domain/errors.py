"""Domain exceptions of the partner-gateway, mapped to problem+json by the shared error classes they extend."""

from __future__ import annotations

from platform_shared.errors import Conflict, Forbidden, Gone, NotFound, TooManyRequests, ValidationFailed


class UnknownKey(NotFound):
    """One message whether the key never existed, was withdrawn or was mistyped."""

    def __init__(self):
        super().__init__("This key does not open anything.")


class KeyAlreadyUsed(Conflict):
    def __init__(self):
        super().__init__("This key has already been used.")


class KeyExpired(Gone):
    def __init__(self):
        super().__init__("This key has expired; ask the sender for a new one.")


class AttachLocked(TooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__("Too many failed attempts: try again later.", retry_after=retry_after)


class AnswerLocked(Conflict):
    def __init__(self):
        super().__init__("The answer has been submitted: it can no longer change.")


class SolicitationClosed(Conflict):
    def __init__(self, state: str):
        super().__init__(f"The solicitation is {state}: it can no longer change.")


class DossierClosed(Conflict):
    def __init__(self):
        super().__init__("The dossier is closed: nothing in it can change any more.")


class DocumentNotPresentable(ValidationFailed):
    """Unknown and not-yours give the same answer: the documents service hides the difference too."""

    def __init__(self, what: str, hint: str):
        super().__init__(
            f"This document cannot be presented as {what}.",
            errors={"document_id": [f"No document you may present as {what} has this id: {hint}."]},
        )


class KeyBoundToAnotherEmail(Forbidden):
    """The agent bound the key to the email they typed; the account signed in has another one."""

    def __init__(self):
        super().__init__(
            "This key can only be attached from the account of the email address it was sent to; "
            "sign in with that address."
        )
