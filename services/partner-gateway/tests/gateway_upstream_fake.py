"""A boundary fake of the dossier and documents services' contract (docs/contracts.md), served over real HTTP.

The gateway's unit tests need the two services it calls; the real ones are proven by the integration tests.
This tiny WSGI app answers the calls the gateway makes, with the state a test puts in it, and records writes.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


class UpstreamFake:
    def __init__(self):
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.documents: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.filings: list[dict[str, Any]] = []
        self.partner_value_writes: list[tuple[str, dict]] = []
        self.authorizations: list[str] = []
        self.workspace_reads: list[tuple[str, str | None]] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.dossiers.clear()
        self.models.clear()
        self.documents.clear()
        self.notes.clear()
        self.filings.clear()
        self.partner_value_writes.clear()
        self.authorizations.clear()
        self.workspace_reads.clear()

    def portal(self, dossier_id: str, **extra: Any) -> dict[str, Any]:
        """A dossier as its client sees it (the dossier service's portal view)."""
        record = self.dossiers[dossier_id]
        return {
            "id": dossier_id,
            "reference": record["reference"],
            "title": record["title"],
            "status": record["status"],
            "status_label": record.get("status_label", record["status"]),
            "closed": record["closed"],
            "updated_at": record["updated_at"],
            "model_id": record["model_id"],
            "model_version": record["model_version"],
            "fields": dict(record.get("portal_fields") or {}),
            **extra,
        }

    def stop(self) -> None:
        self.server.shutdown()

    def add_document(
        self, owner_type: str, owner_id: str, *, uploaded_by: str, dossier_id: str | None = None, partner: bool = False
    ) -> str:
        """A document as ``GET /documents/{id}`` describes it (docs/contracts.md); returns its id."""
        document_id = str(uuid.uuid4())
        self.documents.append(
            {
                "id": document_id,
                "owner_type": owner_type,
                "owner_id": owner_id,
                "dossier_id": dossier_id or (owner_id if owner_type == "dossier" else None),
                "uploaded_by": {"sub": uploaded_by, "role": "partner"},
                "visibility": {"client": False, "partner": partner, "roles": []},
            }
        )
        return document_id

    def _build(self) -> Flask:
        app = Flask("upstream-fake")
        fake = self

        def problem(status: int, detail: str, errors=None):
            body = {"status": status, "title": detail, "detail": detail}
            if errors:
                body["errors"] = errors
            return jsonify(body), status, {"Content-Type": "application/problem+json"}

        @app.before_request
        def _record_token():
            fake.authorizations.append(request.headers.get("Authorization", ""))

        @app.get("/api/v1/dossiers/<dossier_id>")
        def dossier(dossier_id):
            if dossier_id not in fake.dossiers:
                return problem(404, "No such dossier.")
            return jsonify({key: value for key, value in fake.dossiers[dossier_id].items() if key != "view"})

        @app.get("/api/v1/dossiers/<dossier_id>/partner-view")
        def partner_view(dossier_id):
            if dossier_id not in fake.dossiers:
                return problem(404, "No such dossier.")
            record = fake.dossiers[dossier_id]
            return jsonify(
                {
                    "dossier_id": dossier_id,
                    "reference": record["reference"],
                    "title": record["title"],
                    "status": record["status"],
                    "status_label": record["status"],
                    "partner_visible": record["partner_visible"],
                    "closed": record["closed"],
                    "fields": record["view"],
                    # as the dossier service answers a service: with the notes' author_sub
                    "notes": [note for note in fake.notes if note["dossier_id"] == dossier_id],
                }
            )

        @app.get("/api/v1/dossiers/<dossier_id>/participant-view")
        def participant_view(dossier_id):
            record = fake.dossiers[dossier_id]
            return jsonify(
                {
                    "id": dossier_id,
                    "reference": record["reference"],
                    "fields": {"court": "Lyon"},
                    "notes": [note for note in fake.notes if note["dossier_id"] == dossier_id],
                }
            )

        @app.get("/api/v1/dossiers/<dossier_id>/third-party-workspace")
        def third_party_workspace(dossier_id):
            fake.workspace_reads.append((dossier_id, request.args.get("sub")))
            if dossier_id not in fake.dossiers:
                return problem(404, "No such dossier.")
            return jsonify(
                {
                    "kind": "participant",
                    "events": [
                        {
                            "id": "evt-1",
                            "title": "Site visit",
                            "attendees": [
                                {"sub": "agent-alice", "role": "agent", "name": "Alice Lawyer"},
                                {"sub": request.args.get("sub"), "role": "partner", "name": "Sam"},
                            ],
                        }
                    ],
                    "expenses": [{"id": "exp-1", "total": "114.00"}],
                    "activities": [{"id": "act-1", "minutes": 90, "order_id": None}],
                    "activity_totals": {"minutes": 90, "orders": []},
                    "participants": [{"kind": "participant", "name": "Sam"}],
                }
            )

        @app.post("/api/v1/dossiers/<dossier_id>/third-party-notes")
        def third_party_note(dossier_id):
            if dossier_id not in fake.dossiers:
                return problem(404, "No such dossier.")
            if fake.dossiers[dossier_id]["closed"]:
                return problem(409, "Closed.")
            body = request.get_json()
            note = {
                "id": str(uuid.uuid4()),
                "dossier_id": dossier_id,
                "visibility": "participants",
                "body": body["body"],
                "author_sub": body["author"]["sub"],
                "author_role": "partner",
                "author_name": body["author"].get("name"),
                "created_at": "2026-11-23T10:00:00Z",
                "author": body["author"],
            }
            fake.notes.append(note)
            return jsonify({key: value for key, value in note.items() if key != "author"}), 201

        @app.patch("/api/v1/dossiers/<dossier_id>/partner-values")
        def partner_values(dossier_id):
            record = fake.dossiers[dossier_id]
            if record["closed"]:
                return problem(409, "Closed.")
            values = request.get_json()["values"]
            writable = {item["key"] for item in record["view"] if item["mode"] == "write"}
            refused = sorted(set(values) - writable)
            if refused:
                return problem(422, "Not writable.", {"fields": {key: ["not writable"] for key in refused}})
            fake.partner_value_writes.append((dossier_id, values))
            return jsonify({"dossier_id": dossier_id, "fields": record["view"]})

        @app.post("/api/v1/dossiers/on-behalf")
        def on_behalf():
            body = request.get_json()
            model = fake.models.get(body["model_id"])
            if model is None:
                return problem(404, "No such model.")
            if not model.get("partners_can_file"):
                return problem(403, "This model does not let partners file.")
            refused = sorted(set(body.get("fields") or {}) - {"site_name", "urgent"})
            if refused:
                return problem(422, "Not writable.", {"fields": {key: ["not writable"] for key in refused}})
            dossier_id = str(uuid.uuid4())
            fake.dossiers[dossier_id] = {
                "id": dossier_id,
                "reference": f"DOS-{dossier_id[:6]}",
                "title": body["title"],
                "status": "review",
                "status_label": "Under review",
                "partner_visible": True,
                "closed": False,
                "model_id": model["id"],
                "model_version": 1,
                "client_sub": None,
                "client_org": None,
                "client_email": body["person"]["email"],
                "updated_at": "2000-01-01T00:00:00Z",
                "view": [],
                "portal_fields": dict(body.get("fields") or {}),
                "filed_by": body["filer"],
                "submitted": False,
            }
            fake.filings.append(body)
            return jsonify(
                fake.portal(dossier_id, filer_access_until=model.get("filer_access_until", "submission"))
            ), 201

        @app.get("/api/v1/dossiers/<dossier_id>/portal-view")
        def portal_view(dossier_id):
            if dossier_id not in fake.dossiers:
                return problem(404, "No such dossier.")
            return jsonify(fake.portal(dossier_id))

        @app.patch("/api/v1/dossiers/<dossier_id>/on-behalf-values")
        def on_behalf_values(dossier_id):
            record = fake.dossiers[dossier_id]
            if record["closed"]:
                return problem(409, "Closed.")
            values = request.get_json()["fields"]
            refused = sorted(set(values) - {"site_name", "urgent"})
            if refused:
                return problem(422, "Not writable.", {"fields": {key: ["not writable"] for key in refused}})
            record["portal_fields"].update(values)
            return jsonify(fake.portal(dossier_id))

        @app.post("/api/v1/dossiers/<dossier_id>/on-behalf-submit")
        def on_behalf_submit(dossier_id):
            record = fake.dossiers[dossier_id]
            if not record["portal_fields"].get("site_name"):
                return problem(422, "Missing.", {"fields": {"site_name": ["is required"]}})
            record["submitted"] = True
            return jsonify(fake.portal(dossier_id))

        @app.get("/api/v1/models/<model_id>")
        def model(model_id):
            return jsonify(fake.models[model_id])

        @app.get("/api/v1/documents")
        def documents():
            args = request.args
            items = [
                document
                for document in fake.documents
                if document["owner_type"] == args["owner_type"]
                and document["owner_id"] == args["owner_id"]
                and (args.get("partner") != "true" or document["visibility"]["partner"])
            ]
            return jsonify({"items": items, "next_cursor": None})

        @app.get("/api/v1/documents/<document_id>")
        def document(document_id):
            found = next((item for item in fake.documents if item["id"] == document_id), None)
            if found is None:
                return problem(404, "No such document.")
            return jsonify(found)

        return app
