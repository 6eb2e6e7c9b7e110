"""The dossier service's events: dossiers, their notes and developments, and the people directory."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema

from .base import AnyValue, Count, EventData, Flag, Id, Object, Text, TextList


class Classification(Schema):
    """Why the dossier has its category: ``{source: rule, rule_id, rule_name, keyword, found_in}`` or
    ``{source: model}``."""

    class Meta:
        unknown = INCLUDE

    source = Text(required=True, nullable=False, description="`rule` or `model`")
    rule_id = Id(when="`source` is `rule`")
    rule_name = Text(when="`source` is `rule`")
    keyword = Text(when="`source` is `rule`")
    found_in = AnyValue(when="`source` is `rule`")


class FiledBy(Schema):
    """The partner who filed the dossier on behalf of its client."""

    class Meta:
        unknown = INCLUDE

    sub = Id(required=True)
    name = Text()
    organisation = Text()


ON_BEHALF = "the dossier was not filed by a partner on behalf of someone"


class DossierCreated(EventData):
    """A dossier was opened (from the CRM, the portal, or by a partner on behalf of someone)."""

    dossier_id = Id(required=True)
    reference = Text(nullable=False)
    title = Text()
    model_id = Id()
    model_version = Count(nullable=False)
    category = Text()
    origin = Text(description="`crm`, `portal`, or `partner` when filed on behalf")
    kind = Text(description="`dossier` or `contract`")
    status = Text(nullable=False)
    status_label = Text()
    client_visible = Flag()
    partner_visible = Flag()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)
    client_email = Text()
    assignee_sub = Id(nullable=True)
    created_by = Id(nullable=True)
    category_label = Text(when=ON_BEHALF, description="the configured label, else the code")
    classification = Object(Classification, description="why the category")
    client_name = Text(description="the requester's name, from the token or given by staff; may be null")
    client_org_name = Text(description="their company's name, likewise")
    client_person_id = Id(nullable=True, when=ON_BEHALF, description="the client's directory entry")
    client_organisation_id = Id(nullable=True, when=ON_BEHALF, description="the client company's directory entry")
    client_language = Text(when=ON_BEHALF, description="`fr`/`en` from the client's token `locale`, or null")
    filed_by = Object(FiledBy, when="a partner filed the dossier on behalf of someone")


class DossierUpdated(EventData):
    """Fields of a dossier changed (their keys, never their values)."""

    dossier_id = Id(required=True)
    changed_fields = TextList(nullable=False, description="field keys; never values")
    category = Text(description="the new one", when="`category` is among `changed_fields`")
    category_label = Text(when="`category` is among `changed_fields`")
    title = Text(description="the new one", when="`title` is among `changed_fields`")


class DossierStatusChanged(EventData):
    """A dossier moved to another status."""

    dossier_id = Id(required=True)
    reference = Text()
    vars()["from"] = Text()  # a Python keyword: declared through the class namespace
    to = Text(required=True, nullable=False)
    status_label = Text()
    partner_visible = Flag()
    client_visible = Flag()
    category = Text()
    client_sub = Id(nullable=True)
    client_org = Id(nullable=True)


class DossierAssigned(EventData):
    """A dossier was given to another member of staff."""

    dossier_id = Id(required=True)
    assignee_sub = Id(nullable=True)
    assignee_email = Text()
    previous_assignee_sub = Id(nullable=True)


class DossierClosed(EventData):
    """A dossier was closed."""

    dossier_id = Id(required=True)
    closed_at = Text()


class DossierNoteAdded(EventData):
    """A note was written on a dossier. A participant's note (relayed by the partner-gateway) has `visibility:
    participants`, `author_role: partner`, and the participant as the envelope's `actor`."""

    dossier_id = Id(required=True)
    note_id = Id()
    visibility = Text(description="`internal`, `requester` or `participants`")
    author_sub = Id(nullable=True)
    author_role = Text()
    excerpt = Text(description="the first 200 characters")


class DossierDevelopmentAdded(EventData):
    """Staff wrote an important development, which the requester sees."""

    dossier_id = Id(required=True)
    development_id = Id(required=True)
    title = Text()
    reference = Text()
    excerpt = Text(description="the first 200 characters of the body")


class PersonChanged(EventData):
    """A person of the directory was created or changed; every service keeps a copy (`platform_shared.directory`)."""

    person_id = Id(required=True)
    sub = Id(nullable=True, description="the person's account, once known")
    email = Text()
    name = Text()
    language = Text()
    organisation_ids = TextList()


class OrganisationUpdated(EventData):
    """An organisation of the directory was created or changed."""

    organisation_id = Id(required=True)
    code = Text()
    name = Text()
    registration_number = Text()


class PersonMerged(EventData):
    """Two entries of the directory were one person: the duplicate is gone, ``person_id`` is kept."""

    person_id = Id(required=True)
    duplicate_id = Id(required=True)


class PersonErased(EventData):
    """A person was erased: every service anonymises what it holds of them."""

    person_id = Id(required=True)
    sub = Id(nullable=True)
    reason = Text()
