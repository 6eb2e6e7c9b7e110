"""The partner's side (portal, or CRM for internal partners): attach, my dossiers, opinion, completion, submit."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from platform_shared.auth import current_caller, require_roles
from platform_shared.errors import NotFound
from platform_shared.openapi import problems
from platform_shared.pagination import PageArgsSchema, page_schema
from platform_shared.pseudonyms import for_reader
from platform_shared.web import app_db, app_settings

from ..clients import app_upstreams
from ..services import answers, attach, audit, dossier_copy, invitations, presented_documents, solicitations, visibility
from .schemas import ID, VERDICTS, AnswerVersionSchema, PartnerSolicitationSchema

blp = Blueprint("partner_side", __name__, url_prefix="/api/v1", description="Partners and third parties")


class AttachSchema(Schema):
    """The key received by email (case, spaces and dashes do not matter)."""

    key = fields.String(required=True, validate=validate.Length(min=1, max=100))


class AttachedSchema(Schema):
    """What the key opened."""

    kind = fields.String(metadata={"description": "solicitation, contributor, participant or filing"})
    id = fields.String()
    dossier_id = fields.String()


class MyDossierSchema(Schema):
    """A dossier the partner may see now (or read, closed), through one of their solicitations: what a list
    screen needs, without one call per dossier."""

    dossier_id = fields.String()
    reference = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    status_label = fields.String(allow_none=True)
    due_date = fields.Date()
    solicitation_type = fields.String()
    solicitation_state = fields.String()
    answer_expected = fields.Boolean(metadata={"description": "An answer is still expected from me."})
    read_only = fields.Boolean(metadata={"description": "The dossier is closed: readable only."})
    solicitation = fields.Nested(PartnerSolicitationSchema)


class OtherOpinionSchema(Schema):
    """A submitted, non-confidential opinion of another partner on the same dossier."""

    solicitation_id = fields.String()
    scope = fields.String()
    verdict = fields.String()
    comment = fields.String(allow_none=True)
    submitted_at = fields.DateTime()


class MySolicitationDetailSchema(Schema):
    solicitation = fields.Nested(PartnerSolicitationSchema)
    answers = fields.List(fields.Nested(AnswerVersionSchema), metadata={"description": "My saved versions."})
    documents = fields.List(
        fields.Dict(),
        metadata={
            "description": "Documents this solicitation owns that I may read: addressed to me by staff (visible "
            "to partners) or uploaded by me."
        },
    )


class PartnerDossierSchema(Schema):
    """The partner view of the dossier, my solicitations on it with my answers, partner documents, others' opinions.
    A partner reads people by name: no account id but their own anywhere in it (the notes' ``author_sub``, a
    document's ``uploaded_by.sub``); staff (internal partners) get them all."""

    dossier = fields.Dict(metadata={"description": "The dossier service's partner view (or participant view)."})
    solicitations = fields.List(fields.Nested(MySolicitationDetailSchema))
    documents = fields.List(fields.Dict(), metadata={"description": "Documents visible to partners."})
    other_opinions = fields.List(fields.Nested(OtherOpinionSchema))
    read_only = fields.Boolean(metadata={"description": "The dossier is closed: readable, every write is 409."})


class OpinionSchema(Schema):
    """An opinion draft (submit to lock it)."""

    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20000))
    document_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={
            "description": "A supporting file: a document of this dossier that "
            "I uploaded (owner: the solicitation), or one shared "
            "with partners."
        },
    )


class CompletionSchema(Schema):
    """Completion draft: values for fields the partner view marks writable."""

    values = fields.Dict(
        keys=fields.String(validate=validate.Length(max=64)), values=fields.Raw(allow_none=True), required=True
    )


@blp.route("/attach")
class Attach(MethodView):
    @problems(404, 409, 410, 429)
    @require_roles("partner", "client")
    @blp.arguments(AttachSchema)
    @blp.response(200, AttachedSchema)
    def post(self, body):
        """Link the solicitation or invitation of a key to my account (404 unknown, 409 used, 410 expired, 429;
        403 for a key bound to another email). A client's key claims a dossier a partner filed for them."""
        return attach.attach_with_key(app_db(), current_caller(), body["key"], app_settings())


@blp.route("/me/dossiers")
class MyDossiers(MethodView):
    @require_roles("partner", "agent")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(MyDossierSchema))
    def get(self, args):
        """The dossiers I may see now through my solicitations (they disappear when the status hides them)."""
        with app_db().read_only() as session:
            return visibility.my_dossiers(session, current_caller().sub, **args).map(
                lambda item: solicitations.present_list_item(session, item)
            )


@blp.route("/me/dossiers/<dossier_id>")
class MyDossier(MethodView):
    @require_roles("partner", "agent")
    @blp.response(200, PartnerDossierSchema)
    def get(self, dossier_id):
        """The dossier as I may see it now: partner view, my solicitations and answers, partner documents and the
        documents addressed to my solicitations. A closed dossier stays readable (``read_only``: every write is
        409). The read is in the audit log."""
        caller = current_caller()
        with app_db().read_only() as session:
            mine = visibility.solicitations_on(session, caller.sub, dossier_id, readable=True)
            participant = invitations.participant_invitation(session, caller.sub, dossier_id) is not None
            if not mine and not participant:
                raise NotFound("No such dossier.")
            details = [
                {
                    "solicitation": solicitations.present_solicitation(item),
                    "answers": answers.versions(session, item.id),
                }
                for item in mine
            ]
            others = answers.others_opinions(session, mine[0]) if mine else []
            state = dossier_copy.status_of(session, dossier_id)
        read_only = bool(state and state.closed)
        upstreams = app_upstreams()
        if not mine:
            # A participant's documents come from the documents service itself, which asks GET /access.
            view = upstreams.participant_view(dossier_id)
            _audit_read(caller, dossier_id, None, "participant")
            answer = {
                "dossier": view,
                "solicitations": [],
                "documents": [],
                "other_opinions": [],
                "read_only": read_only,
            }
            return for_reader(answer, caller)
        view, documents, addressed = upstreams.partner_view_and_documents(dossier_id, tuple(item.id for item in mine))
        for detail in details:
            detail["documents"] = presented_documents.addressed_to_partner(
                addressed.get(detail["solicitation"]["id"], []), caller.sub
            )
        _audit_read(caller, dossier_id, mine[0].id, "partner")
        answer = {
            "dossier": view,
            "solicitations": details,
            "documents": documents,
            "other_opinions": others,
            "read_only": read_only,
        }
        return for_reader(answer, caller)  # names, never another person's account id (architecture §5)


class ParticipantWorkspaceSchema(Schema):
    """The dossier's workspace as a participant sees it: what the client sees except quotes, orders, invoices and
    their PDFs (amounts are decimal strings). People by name only: no account id but my own (an attendee's
    ``sub`` is left out)."""

    kind = fields.String(metadata={"description": "participant"})
    events = fields.List(fields.Dict(), metadata={"description": "Appointments and meetings (cancelled ones too)."})
    expenses = fields.List(fields.Dict(), metadata={"description": "The expenses billed to the client."})
    activities = fields.List(
        fields.Dict(), metadata={"description": "Time spent (who, when, how long; never which order)."}
    )
    activity_totals = fields.Dict(allow_none=True, metadata={"description": "Minutes for the dossier."})
    participants = fields.List(fields.Dict(), metadata={"description": "The participants' names and roles."})
    read_only = fields.Boolean(metadata={"description": "The dossier is closed: readable only."})


@blp.route("/me/dossiers/<dossier_id>/workspace")
class MyDossierWorkspace(MethodView):
    @problems(503)
    @require_roles("partner")
    @blp.response(200, ParticipantWorkspaceSchema)
    def get(self, dossier_id):
        """The dossier's events, billed expenses, activities and participants, as I see them as one of its
        participants (404 for anyone else: partners and contributors see none of the workspace). A closed dossier
        stays readable. The read is in the audit log."""
        caller = current_caller()
        with app_db().read_only() as session:
            if invitations.participant_invitation(session, caller.sub, dossier_id) is None:
                raise NotFound("No such dossier.")
            state = dossier_copy.status_of(session, dossier_id)
        workspace = app_upstreams().third_party_workspace(dossier_id, caller.sub)
        _audit_read(caller, dossier_id, None, "participant_workspace")
        return for_reader({**workspace, "read_only": bool(state and state.closed)}, caller)


def _audit_read(caller, dossier_id: str, subject_id: str | None, view: str) -> None:
    """Reads by third parties are in the audit log too, not only their writes."""
    with app_db().transaction() as session:
        audit.record(session, caller, dossier_id, "dossier.viewed", subject_id, view=view)


@blp.route("/solicitations/<solicitation_id>/opinion")
class Opinion(MethodView):
    @require_roles("partner", "agent")
    @blp.arguments(OpinionSchema)
    @blp.response(200, AnswerVersionSchema)
    def post(self, body, solicitation_id):
        """Save my opinion as a new draft version (409 once submitted or when the dossier is closed; 422 for a
        ``document_id`` that is not a file of this dossier I uploaded or one shared with partners)."""
        caller = current_caller()
        if body["document_id"] is not None:
            with app_db().read_only() as session:
                solicitation = answers.writable_solicitation(session, caller, solicitation_id)
            presented_documents.check_supporting_file(
                app_upstreams(),
                body["document_id"],
                dossier_id=solicitation.dossier_id,
                solicitation_id=solicitation.id,
                partner_sub=caller.sub,
            )
        with app_db().transaction() as session:
            return answers.save_opinion(session, caller, solicitation_id, body)


@blp.route("/solicitations/<solicitation_id>/completion")
class Completion(MethodView):
    @require_roles("partner", "agent")
    @blp.arguments(CompletionSchema)
    @blp.response(200, AnswerVersionSchema)
    def patch(self, body, solicitation_id):
        """Save completion values as a new draft version (422 for a field the partner view does not let me write)."""
        caller = current_caller()
        with app_db().read_only() as session:
            dossier_id = answers.writable_solicitation(session, caller, solicitation_id).dossier_id
        partner_view = app_upstreams().partner_view(dossier_id)
        with app_db().transaction() as session:
            return answers.save_completion(session, caller, solicitation_id, body["values"], partner_view)


@blp.route("/solicitations/<solicitation_id>/submit")
class Submit(MethodView):
    @require_roles("partner", "agent")
    @blp.response(200, AnswerVersionSchema)
    def post(self, solicitation_id):
        """Submit my last draft: completion values go to the dossier, the answer is locked (later edits 409)."""
        caller = current_caller()
        with app_db().read_only() as session:
            solicitation, draft = answers.draft_to_submit(session, caller, solicitation_id)
            dossier_id, values = solicitation.dossier_id, dict(draft.values)
        if values:
            app_upstreams().write_partner_values(dossier_id, values)
        with app_db().transaction() as session:
            return answers.submit(session, caller, solicitation_id)
