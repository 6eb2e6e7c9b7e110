"""Which templates a request may use, and the input values it renders with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import InvalidInputs, InvalidTemplateChoice

ATTESTATION_ENTITIES = ("contract", "beneficiary")


@dataclass(frozen=True)
class OfferedTemplate:
    template_id: str
    entity: str
    template_name: str
    extranet_title: str | None
    language: str = "fr"

    @property
    def title(self) -> str:
        """What the client reads: the extranet title, or the template's name when there is none."""
        return self.extranet_title or self.template_name


@dataclass(frozen=True)
class InputField:
    """A tag the client fills in; without a default it must be given."""

    name: str
    label: str
    default: str | None

    @property
    def required(self) -> bool:
        return self.default is None


def entity_for(beneficiary_chosen: bool) -> str:
    return "beneficiary" if beneficiary_chosen else "contract"


def offered_templates(templates: Iterable[OfferedTemplate], *, beneficiary_chosen: bool) -> list[OfferedTemplate]:
    """A beneficiary chosen: only beneficiary templates; none: only contract templates."""
    wanted = entity_for(beneficiary_chosen)
    return [template for template in templates if template.entity == wanted]


def choice_needed(offered: list[OfferedTemplate]) -> bool:
    """With one template the attestation is generated directly: no choice, no title shown."""
    return len(offered) > 1


def choose_template(
    templates: Iterable[OfferedTemplate], template_id: str | None, *, beneficiary_chosen: bool
) -> OfferedTemplate:
    """The template a request renders; 422 when it breaks the choice rules."""
    offered = offered_templates(templates, beneficiary_chosen=beneficiary_chosen)
    entity = entity_for(beneficiary_chosen)
    if not offered:
        raise InvalidTemplateChoice(
            f"The product offers no {entity} attestation template.", f"No {entity} template is offered."
        )
    if template_id is None:
        if choice_needed(offered):
            raise InvalidTemplateChoice(
                "Several templates are offered: choose one.", "Choose one of the offered templates."
            )
        return offered[0]
    for template in offered:
        if template.template_id == template_id:
            return template
    raise InvalidTemplateChoice(
        f"This template is not offered for a {entity} attestation.",
        f"Only {entity} templates of the product may be used.",
    )


def resolve_inputs(fields: Iterable[InputField], given: Mapping[str, object]) -> dict[str, str]:
    """The values to render with: given ones, else defaults; 422 for missing required or unknown inputs."""
    fields = list(fields)
    known = {field.name for field in fields}
    errors: dict[str, list[str]] = {}
    for name in given:
        if name not in known:
            errors[name] = ["Unknown input field."]
    values: dict[str, str] = {}
    for field in fields:
        raw = given.get(field.name)
        value = "" if raw is None else str(raw).strip()
        if value:
            values[field.name] = value
        elif field.default is not None:
            values[field.name] = field.default
        else:
            errors[field.name] = [f"{field.label} is required."]
    if errors:
        raise InvalidInputs(errors)
    return values
