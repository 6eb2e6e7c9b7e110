"""Domain exceptions of the documents service, mapped to problem+json by the shared error classes they extend."""

from __future__ import annotations

from collections.abc import Iterable

from platform_shared.errors import Conflict, Forbidden, UnsupportedMediaType, ValidationFailed


class DossierClosed(Conflict):
    def __init__(self):
        super().__init__("The dossier is closed: its documents can no longer change.")


class FileTypeNotAllowed(UnsupportedMediaType):
    def __init__(self, allowed_kinds: Iterable[str]):
        super().__init__(f"The file's content is not one of the accepted types ({', '.join(allowed_kinds)}).")


class FileTypeMismatch(UnsupportedMediaType):
    """The name claims one type and the bytes say another: the bytes win, the file is refused."""

    def __init__(self, kind: str):
        super().__init__(f"The file name says one type but its content is {kind}.")


class OnBehalfRefused(Forbidden):
    def __init__(self):
        super().__init__("Only a service may upload on behalf of someone else.")


class InvalidTemplate(ValidationFailed):
    """A template the service cannot accept or render; ``where`` is ``file`` (upload) or ``template`` (render)."""

    def __init__(self, message: str, where: str):
        super().__init__(message, errors={where: [message]})


class NotInputFields(ValidationFailed):
    def __init__(self, names: list[str]):
        super().__init__(
            f"Not input fields of this template: {', '.join(names)}.",
            errors={"fields": [f"{name} is not an input of this template." for name in names]},
        )


class MissingInputs(ValidationFailed):
    def __init__(self, names: list[str]):
        super().__init__(
            f"Missing input without default: {', '.join(names)}.",
            errors={f"inputs.{name}": ["Missing input without default."] for name in names},
        )
        self.names = names


class UnknownInputs(ValidationFailed):
    def __init__(self, names: list[str]):
        super().__init__(
            f"Not inputs of this template: {', '.join(names)}.",
            errors={f"inputs.{name}": ["Not an input of this template."] for name in names},
        )
        self.names = names
