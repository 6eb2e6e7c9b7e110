"""Domain exceptions of the dossier service, mapped to problem+json by the shared error classes they extend."""

from __future__ import annotations

from platform_shared.errors import Conflict, ValidationFailed


class DossierClosed(Conflict):
    """Every change to a closed dossier is refused."""

    def __init__(self, reference: str):
        super().__init__(f"Dossier {reference} is closed: it can be read but no longer changed.")


class TransitionNotAllowed(Conflict):
    def __init__(self, current: str, target: str):
        super().__init__(f"The model allows no transition from '{current}' to '{target}'.")


class InvalidModel(ValidationFailed):
    """A model that does not hold together; ``errors`` names each problem by its place in the model."""

    def __init__(self, problems: dict[str, list[str]]):
        first = next(iter(problems.items()))
        super().__init__(f"The model is invalid: {first[0]}: {first[1][0]}", errors=problems)


class InvalidValues(ValidationFailed):
    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("Some fields cannot be written: " + ", ".join(sorted(problems)), errors={"fields": problems})


class UnknownCategory(ValidationFailed):
    """A category that is not among the configured ones (``GET /categories``)."""

    def __init__(self, field: str, category: str):
        super().__init__(
            f"Unknown category '{category}': configure it first (PUT /categories).",
            errors={field: [f"Not a configured category: {category}."]},
        )


class CategoryInUse(ValidationFailed):
    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("Some categories are still used by classification rules.", errors={"categories": problems})
