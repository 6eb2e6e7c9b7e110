"""A boundary fake of the dossier and documents services' contract (docs/contracts.md), served over real HTTP.

The gateway's unit tests need the two services it calls; the real ones are proven by the integration tests.
This tiny WSGI app answers the calls the gateway makes, with the state a test puts in it, and records writes.
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


class UpstreamFake:
    def __init__(self):
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.documents: list[dict[str, Any]] = []
        self.partner_value_writes: list[tuple[str, dict]] = []
        self.authorizations: list[str] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.dossiers.clear()
        self.models.clear()
        self.documents.clear()
        self.partner_value_writes.clear()
        self.authorizations.clear()

    def stop(self) -> None:
        self.server.shutdown()

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
            return jsonify({"dossier_id": dossier_id, "reference": record["reference"], "title": record["title"],
                            "status": record["status"], "status_label": record["status"],
                            "partner_visible": record["partner_visible"], "closed": record["closed"],
                            "fields": record["view"]})

        @app.get("/api/v1/dossiers/<dossier_id>/participant-view")
        def participant_view(dossier_id):
            record = fake.dossiers[dossier_id]
            return jsonify({"id": dossier_id, "reference": record["reference"], "fields": {"court": "Lyon"}})

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

        @app.get("/api/v1/models/<model_id>")
        def model(model_id):
            return jsonify(fake.models[model_id])

        @app.get("/api/v1/documents")
        def documents():
            args = request.args
            items = [document for document in fake.documents
                     if document["owner_type"] == args["owner_type"] and document["owner_id"] == args["owner_id"]
                     and (args.get("partner") != "true" or document["partner"])]
            return jsonify({"items": items, "next_cursor": None})

        return app
