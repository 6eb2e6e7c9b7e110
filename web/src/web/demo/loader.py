"""Load the demo data set through the five public APIs, as the demo people (never SQL, never a service token).

Only into databases that hold nothing but (part of) the demo: when the dossier service already has models
that are not the demo's, nothing is loaded. Each step looks its object up by a natural key (a model's name,
a product's code, a contract's number, a dossier's title...) before creating it, so running the loader again
changes nothing, and a run that stopped halfway is completed by the next one. The steps on one dossier
(transitions, notes, solicitations...) run when the dossier itself is created.

Keys are handed over the way the real flow does it: partners and contributors invited with the email get it
in the SMTP catcher (``var/mail/``); the loader attaches some of them itself, as the demo person, with the key
the API gives the agent once, so that signing in shows dossiers to work on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import requests

from platform_shared.auth import mint_token

from ..clients import Api, Transport
from ..config import WebSettings
from . import dataset, documents
from .people import BY_KEY, DEMO_ORG

SERVICES = ("dossier", "partner-gateway", "attestation", "notification", "documents")


class LoadRefused(Exception):
    """The demo data must not be loaded here (production, switched off, databases holding other data)."""


class DemoLoader:
    def __init__(self, settings: WebSettings, today: date | None = None):
        self.settings = settings
        self.today = today or date.today()
        self.transport = Transport(
            {
                "dossier": settings.dossier_url,
                "partner-gateway": settings.partner_gateway_url,
                "attestation": settings.attestation_url,
                "notification": settings.notification_url,
                "documents": settings.documents_url,
            },
            timeout=60,
            workers=4,
        )
        self.report: list[str] = []
        self._apis: dict[str, Api] = {}

    # ----- who acts ----------------------------------------------------------------------------------------
    def as_person(self, key: str) -> Api:
        if key not in self._apis:
            demo = BY_KEY[key]
            token = mint_token(
                self.settings,
                sub=demo.sub,
                role=demo.role,
                org=demo.org or None,
                email=demo.email,
                name=demo.name,
                ttl_seconds=3600,
            )
            self._apis[key] = Api(self.transport, token)
        return self._apis[key]

    @property
    def admin(self) -> Api:
        return self.as_person("admin")

    @property
    def agent(self) -> Api:
        return self.as_person("agent")

    # ----- the run -----------------------------------------------------------------------------------------
    def run(self, wait_seconds: float = 120) -> list[str]:
        if self.settings.is_production:
            raise LoadRefused("never in production")
        if not self.settings.demo_data:
            raise LoadRefused("switched off (DEMO_DATA=0)")
        self.wait_for_services(wait_seconds)
        models = self.ensure_models()
        templates = self.ensure_templates()
        products = self.ensure_products(templates)
        contracts = self.ensure_contracts(products)
        partners = self.ensure_partners()
        self.ensure_notifications()
        self.ensure_dossiers(models, partners, contracts)
        if not self.report:
            self.report.append("already loaded, nothing changed")
        return self.report

    def wait_for_services(self, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        waiting = list(SERVICES)
        while waiting:
            waiting = [name for name in waiting if not self._healthy(name)]
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise LoadRefused(f"services not answering after {wait_seconds:.0f} s: {', '.join(waiting)}")
            time.sleep(0.5)

    def _healthy(self, service: str) -> bool:
        try:
            return requests.get(f"{self.transport.base_urls[service]}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def _created(self, what: str) -> None:
        self.report.append(f"created {what}")

    # ----- configuration (admin) ---------------------------------------------------------------------------
    def ensure_models(self) -> dict[str, dict]:
        existing = {model["name"]: model for model in self.admin.get_all("dossier", "/models")}
        demo_names = {model["name"] for model in dataset.MODELS}
        if existing and not demo_names & set(existing):
            raise LoadRefused("the databases already hold other data: the demo data is loaded only into empty ones")
        found = {}
        for model in dataset.MODELS:
            if model["name"] not in existing:
                existing[model["name"]] = self.admin.post("dossier", "/models", model)
                self._created(f"dossier model “{model['name']}”")
            found[model["name"]] = existing[model["name"]]
        return found

    def ensure_templates(self) -> dict[str, dict]:
        existing = {item["name"]: item for item in self.admin.get_all("documents", "/templates")}
        makers: dict[str, Callable[[], bytes]] = {
            "home": documents.home_insurance_attestation,
            "event": documents.event_attestation,
            "vehicle": documents.vehicle_attestation,
        }
        found = {}
        for key, spec in dataset.TEMPLATES.items():
            template = existing.get(spec["name"])
            if template is None:
                template = self.admin.post(
                    "documents",
                    "/templates",
                    data={**spec, "pdf_auto": "true"},
                    files={"file": (f"{key}.docx", makers[key](), "application/octet-stream")},
                )
                self._created(f"attestation template “{spec['name']}”")
                if key == "event":
                    self.admin.put("documents", f"/templates/{template['id']}/fields", {"fields": dataset.EVENT_INPUTS})
            found[key] = template
        return found

    def ensure_products(self, templates: dict[str, dict]) -> dict[str, dict]:
        existing = {item["code"]: item for item in self.admin.get_all("attestation", "/products")}
        found = {}
        for spec in (dataset.HOME_PRODUCT, dataset.FLEET_PRODUCT):
            product = existing.get(spec["code"])
            if product is None:
                product = self.admin.post("attestation", "/products", spec)
                attached = [
                    {"template_id": templates[key]["id"], "extranet_title": title}
                    for key, title in dataset.PRODUCT_TEMPLATES[spec["code"]]
                ]
                product = self.admin.put("attestation", f"/products/{product['id']}/attestation-templates", attached)
                if spec is dataset.FLEET_PRODUCT:
                    # Vehicle attestations go through the staff's prior validation (a task for Claire).
                    product = self.admin.put(
                        "attestation",
                        f"/products/{product['id']}/validation",
                        {"required": True, "validators": {"subs": [BY_KEY["agent"].sub]}},
                    )
                self._created(f"product “{spec['name']}” with its attestation templates")
            found[spec["code"]] = product
        return found

    def ensure_contracts(self, products: dict[str, dict]) -> dict[str, dict]:
        found = {}
        sophie = {"sub": BY_KEY["client"].sub, "email": BY_KEY["client"].email, "name": BY_KEY["client"].name}
        for spec in dataset.contracts(self.today, sophie, DEMO_ORG):
            listed = self.agent.get("attestation", "/contracts", {"number": spec["number"]})["items"]
            if listed:
                found[spec["number"]] = listed[0]
                continue
            body = {key: value for key, value in spec.items() if key != "product"}
            body["product_id"] = products[spec["product"]]["id"]
            found[spec["number"]] = self.agent.post("attestation", "/contracts", body)
            self._created(f"contract {spec['number']}")
        return found

    def ensure_partners(self) -> dict[str, dict]:
        existing = {item["email"]: item for item in self.agent.get_all("partner-gateway", "/partners")}
        found = {}
        for spec in (dataset.EXTERNAL_PARTNER, dataset.INTERNAL_PARTNER):
            partner = existing.get(spec["email"])
            if partner is None:
                partner = self.agent.post("partner-gateway", "/partners", spec)
                self._created(f"{spec['kind']} partner {spec['name']}")
            found[spec["kind"]] = partner
        return found

    def ensure_notifications(self) -> None:
        contacts = {item["email"] for item in self.admin.get_all("notification", "/contacts", {"registered": "true"})}
        agent = BY_KEY["agent"]
        if agent.email not in contacts:
            self.admin.post(
                "notification",
                "/contacts",
                {
                    "email": agent.email,
                    "sub": agent.sub,
                    "name": agent.name,
                    "role": "agent",
                    "language": "fr",
                    "groups": [dataset.CONTACT_GROUP],
                },
            )
            self._created(f"contact {agent.name} (told of portal requests)")
        rules = {item["name"] for item in self.admin.get("notification", "/rules")["items"]}
        wanted = {
            "Travaux : réponses des partenaires": {
                "event_type": "solicitation.answered",
                "recipients": {"users": [agent.sub]},
                "channel": "in_app",
            },
            "Travaux : nouvelles demandes du portail": {
                "event_type": "dossier.created",
                "filters": {"category": "works", "origin": "portal"},
                "recipients": {"addresses": ["direction.travaux@demo.example"]},
                "channel": "email",
            },
        }
        for name, rule in wanted.items():
            if name not in rules:
                self.admin.post("notification", "/rules", {"name": name, **rule})
                self._created(f"notification rule “{name}”")

    # ----- dossiers ----------------------------------------------------------------------------------------
    def _find_dossier(self, title: str) -> dict | None:
        for item in self.agent.get("dossier", "/dossiers", {"q": title, "limit": 50})["items"]:
            if item["title"] == title:
                return item
        return None

    def _upload(self, api: Api, dossier_id: str, filename: str, content: bytes, **form) -> dict:
        fields = {"owner_type": "dossier", "owner_id": dossier_id, **form}
        return api.post(
            "documents",
            "/documents",
            data={key: str(value).lower() if isinstance(value, bool) else value for key, value in fields.items()},
            files={"file": (filename, content, "application/octet-stream")},
        )

    def _move(self, dossier_id: str, *statuses: str) -> None:
        for status in statuses:
            self.agent.post("dossier", f"/dossiers/{dossier_id}/transitions", {"to": status})

    def ensure_dossiers(self, models: dict, partners: dict, contracts: dict) -> None:
        works = models[dataset.WORKS_MODEL["name"]]["id"]
        rental = models[dataset.RENTAL_MODEL["name"]]["id"]
        steps = (
            ("Rénovation de la toiture – 12 rue des Lilas", lambda title: self.roof_renovation(title, works, partners)),
            ("Extension de l'atelier", lambda title: self.workshop_extension(title, works, partners)),
            ("Mise aux normes électriques des bureaux", lambda title: self.colleague_request(title, works)),
            ("Location – 8 avenue Foch, appartement 3", lambda title: self.rental_application(title, rental)),
            ("Ravalement de façade 2025", lambda title: self.closed_facade(title, works)),
        )
        for title, build in steps:
            if self._find_dossier(title) is None:
                build(title)
                self._created(f"dossier “{title}”")

    def _client_fields(self) -> dict:
        client = BY_KEY["client"]
        return {"client_sub": client.sub, "client_org": DEMO_ORG, "client_email": client.email}

    def _assign(self) -> dict:
        agent = BY_KEY["agent"]
        return {"assignee_sub": agent.sub, "assignee_email": agent.email}

    def roof_renovation(self, title: str, model_id: str, partners: dict) -> None:
        """A portal request of the client, under technical study: an external partner attached (an opinion and a
        completion expected), the internal legal partner solicited, a participant (the roofer) attached."""
        client = self.as_person("client")
        dossier = client.post(
            "dossier",
            "/requests",
            {
                "kind": "dossier",
                "model_id": model_id,
                "title": title,
                "description": "Infiltrations au dernier étage après les orages de septembre. Nous souhaitons refaire"
                " la couverture et vérifier la charpente.",
                "client_reference": "TOIT-LILAS",
                "fields": {"address": "12 rue des Lilas, 69003 Lyon", "works_type": "Toiture"},
            },
        )
        dossier_id = dossier["id"]
        self.agent.patch(
            "dossier",
            f"/dossiers/{dossier_id}",
            {**self._assign(), "fields": {"budget": 18500, "desired_start": self._in(30)}},
        )
        self._move(dossier_id, "study")
        self.agent.post(
            "dossier",
            f"/dossiers/{dossier_id}/developments",
            {"title": "Visite du site effectuée", "body": "La charpente est saine ; 40 m² de tuiles à remplacer."},
        )
        self.agent.post(
            "dossier",
            f"/dossiers/{dossier_id}/notes",
            {
                "body": "Bonjour Madame Bernard, nous avons sollicité un bureau d'études pour la structure. "
                "Nous revenons vers vous sous dix jours.",
                "visibility": "requester",
            },
        )
        client.post(
            "dossier",
            f"/dossiers/{dossier_id}/notes",
            {"body": "Merci ! Le couvreur peut intervenir dès le mois prochain.", "visibility": "participants"},
        )
        self._upload(
            self.agent,
            dossier_id,
            "compte-rendu-visite.docx",
            documents.visit_report(
                "Compte rendu de visite", ["Visite du 12 rue des Lilas.", "Couverture à reprendre sur 40 m²."]
            ),
            category="other",
            client=True,
            partner=True,
        )
        solicitation = self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier_id}/solicitations",
            {
                "partner_id": partners["external"]["id"],
                "type": "opinion_completion",
                "scope": "Structure",
                "due_date": self._in(10),
                "instructions": "Merci de vérifier la charpente et d'indiquer si un mur porteur est concerné.",
                "open_statuses": ["study"],
            },
        )
        self.as_person("external_partner").post("partner-gateway", "/attach", {"key": solicitation["access_key"]})
        self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier_id}/solicitations",
            {
                "partner_id": partners["internal"]["id"],
                "type": "opinion",
                "scope": "Juridique",
                "due_date": self._in(14),
                "instructions": "Le permis de construire est-il nécessaire pour cette réfection ?",
                "open_statuses": ["study"],
                "confidential": True,
            },
        )
        participant = BY_KEY["participant"]
        invitation = self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier_id}/contributors",
            {"kind": "participant", "name": participant.name, "email": participant.email, "notify": False},
        )
        self.as_person("participant").post("partner-gateway", "/attach", {"key": invitation["access_key"]})

    def workshop_extension(self, title: str, model_id: str, partners: dict) -> None:
        """Created by the agent for the client's company; the external partner is solicited by email (the key
        waits in the SMTP catcher for the demo partner to attach it)."""
        dossier = self.agent.post(
            "dossier",
            "/dossiers",
            {
                "model_id": model_id,
                "title": title,
                "description": "Agrandissement de 25 m² de l'atelier côté cour.",
                **self._client_fields(),
                **self._assign(),
                "fields": {"address": "3 impasse des Tanneurs, 69007 Lyon", "works_type": "Extension", "budget": 64000},
            },
        )
        self._move(dossier["id"], "study")
        self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier['id']}/solicitations",
            {
                "partner_id": partners["external"]["id"],
                "type": "opinion",
                "scope": "Fondations",
                "due_date": self._in(21),
                "instructions": "Avis sur la faisabilité des fondations de l'extension.",
                "open_statuses": ["study"],
            },
        )

    def colleague_request(self, title: str, model_id: str) -> None:
        """A portal request of the client's colleague: the company's dossiers are shared inside the company."""
        self.as_person("colleague").post(
            "dossier",
            "/requests",
            {
                "kind": "dossier",
                "model_id": model_id,
                "title": title,
                "description": "Mise en conformité du tableau électrique du 2e étage.",
                "fields": {"address": "3 impasse des Tanneurs, 69007 Lyon", "works_type": "Mise aux normes"},
            },
        )

    def rental_application(self, title: str, model_id: str) -> None:
        """Contributors: the guarantor attached (one piece provided, the others missing), a co-tenant invited by
        email (the key waits in the SMTP catcher)."""
        dossier = self.agent.post(
            "dossier",
            "/dossiers",
            {
                "model_id": model_id,
                "title": title,
                **self._client_fields(),
                **self._assign(),
                "fields": {"flat": "8 avenue Foch, 69006 Lyon – T3, 3e étage", "rent": 1180, "move_in": self._in(45)},
            },
        )
        dossier_id = dossier["id"]
        guarantor = BY_KEY["contributor"]
        invitation = self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier_id}/contributors",
            {
                "kind": "contributor",
                "role": "guarantor",
                "name": guarantor.name,
                "email": guarantor.email,
                "notify": False,
            },
        )
        thomas = self.as_person("contributor")
        thomas.post("partner-gateway", "/attach", {"key": invitation["access_key"]})
        piece = self._upload(thomas, dossier_id, "piece-identite-thomas-petit.pdf", _pdf("Carte d'identité"))
        self._provide(thomas, invitation["id"], "guarantor_id", piece["id"])
        self.agent.post(
            "partner-gateway",
            f"/dossiers/{dossier_id}/contributors",
            {"kind": "contributor", "role": "co_tenant", **dataset.EMAILED_CO_TENANT, "notify": True},
        )
        self._upload(
            self.agent,
            dossier_id,
            "modele-acte-de-caution.docx",
            documents.visit_report("Acte de caution solidaire", ["À compléter, signer et déposer par le garant."]),
            category="other",
            roles="guarantor",
        )

    def _provide(self, api: Api, invitation_id: str, piece_code: str, document_id: str) -> None:
        api.post("partner-gateway", f"/me/pieces/{invitation_id}/{piece_code}", {"document_id": document_id})

    def closed_facade(self, title: str, model_id: str) -> None:
        dossier = self.agent.post(
            "dossier",
            "/dossiers",
            {
                "model_id": model_id,
                "title": title,
                "description": "Ravalement de la façade sur rue, terminé en novembre.",
                **self._client_fields(),
                **self._assign(),
                "fields": {"address": "12 rue des Lilas, 69003 Lyon", "works_type": "Rénovation", "budget": 12300},
            },
        )
        self._move(dossier["id"], "study", "quote", "works", "done")
        self.agent.post(
            "dossier",
            f"/dossiers/{dossier['id']}/developments",
            {"title": "Réception des travaux", "body": "Les travaux ont été réceptionnés sans réserve."},
        )
        self.agent.post("dossier", f"/dossiers/{dossier['id']}/close")

    def _in(self, days: int) -> str:
        return (self.today + timedelta(days=days)).isoformat()


def _pdf(label: str) -> bytes:
    """A small, valid one-page PDF (the documents service checks the signature, not the layout)."""
    text = label.encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body
