"""Who may call what: every route of every service x every kind of caller -> the expected HTTP status.

One row per route (``service METHOD path`` as in the service's ``/openapi.json``, without ``/api/v1``),
one column per caller. ``test_access_matrix.py`` builds one world through the public APIs and sends,
for each cell, a request with a VALID body to the world's objects, so a cell checks authorisation,
not validation. A route missing from this table (or a row whose route no longer exists) fails the test.

The callers (columns), all acting on the same dossier, its contract and its documents:

- ``agent``    staff token (role agent); the attestation validator of the world's product
- ``admin``    staff token (role admin)
- ``owner``    the client who owns the dossier and the contract (role client, org = company A)
- ``same``     another client of company A (role client, org = company A)
- ``other``    a client of company B (role client, org = company B)
- ``partner``  a partner attached to a solicitation open in the dossier's current status
- ``stranger`` a partner token attached to nothing
- ``contrib``  a contributor attached in the role ``guarantor``
- ``partic``   a participant attached to the dossier
- ``service``  a service token (another service of the platform)
- ``anon``     no token at all

Statuses: 200/201/202/204 success, 401 no token, 403 role not allowed on the route, 404 unknown or not
visible to you (existence never revealed), 409 state conflict. Rows are played top to bottom: writes
that would change what later rows need (close, cancel, submit, approve, delete...) are played on a
fresh object per successful caller (see ``FRESH`` in the test module).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("agent", "admin", "owner", "same", "other", "partner", "stranger", "contrib", "partic", "service", "anon")

TABLE = """
# service         method path                                               agent admin owner same other partner stranger contrib partic service anon
dossier           GET    /models                                            200   200   200   200  200   403     403      403     403    200     401
dossier           POST   /models                                            403   201   403   403  403   403     403      403     403    403     401
dossier           GET    /models/{model_id}                                 200   200   200   200  200   403     403      403     403    200     401
dossier           PUT    /models/{model_id}                                 403   200   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers                                          200   200   200   200  200   403     403      403     403    200     401
dossier           POST   /dossiers                                          201   201   201   201  201   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}                             200   200   200   200  404   403     403      403     403    200     401
dossier           PATCH  /dossiers/{dossier_id}                             200   200   200   200  404   403     403      403     403    403     401
dossier           POST   /dossiers/{dossier_id}/transitions                 200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/notes                       200   200   200   200  404   403     403      403     403    200     401
dossier           POST   /dossiers/{dossier_id}/notes                       201   201   201   201  404   403     403      403     403    403     401
dossier           POST   /dossiers/{dossier_id}/developments                201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/timeline                    200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /dossiers/{dossier_id}/partner-view                403   403   403   403  403   403     403      403     403    200     401
dossier           PATCH  /dossiers/{dossier_id}/partner-values              403   403   403   403  403   403     403      403     403    200     401
dossier           GET    /dossiers/{dossier_id}/participant-view            403   403   403   403  403   403     403      403     403    200     401
dossier           POST   /dossiers/{dossier_id}/third-party-notes           403   403   403   403  403   403     403      403     403    201     401
dossier           POST   /dossiers/on-behalf                                403   403   403   403  403   403     403      403     403    201     401
dossier           GET    /dossiers/{dossier_id}/portal-view                 403   403   403   403  403   403     403      403     403    200     401
dossier           PATCH  /dossiers/{dossier_id}/on-behalf-values            403   403   403   403  403   403     403      403     403    409     401
dossier           POST   /dossiers/{dossier_id}/on-behalf-submit            403   403   403   403  403   403     403      403     403    409     401
dossier           POST   /requests                                          403   403   201   201  201   403     403      403     403    403     401
dossier           POST   /dossiers/{dossier_id}/close                       200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /categories                                        200   200   200   200  200   403     403      403     403    200     401
dossier           PUT    /categories                                        403   200   403   403  403   403     403      403     403    403     401
dossier           GET    /classification-rules                              200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /classification-rules                              403   201   403   403  403   403     403      403     403    403     401
dossier           GET    /classification-rules/{classification_rule_id}     200   200   403   403  403   403     403      403     403    403     401
dossier           PUT    /classification-rules/{classification_rule_id}     403   200   403   403  403   403     403      403     403    403     401
dossier           DELETE /classification-rules/{classification_rule_id}     403   200   403   403  403   403     403      403     403    403     401
dossier           GET    /people                                            200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /people                                            201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /people/me                                         200   200   200   200  200   200     200      200     200    403     401
dossier           POST   /people/me                                         200   200   200   200  200   200     200      200     200    403     401
dossier           POST   /people/import                                     200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /people/{person_id}                                200   200   200   404  404   403     403      403     403    403     401
dossier           PATCH  /people/{person_id}                                200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /people/{person_id}/merge                          200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /people/{person_id}/export                         200   200   200   404  404   403     403      403     403    403     401
dossier           POST   /people/{person_id}/erase                          403   200   403   403  403   403     403      403     403    403     401
dossier           GET    /organisations                                     200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /organisations                                     201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /organisations/{organisation_id}                   200   200   200   200  404   403     403      403     403    403     401
dossier           PATCH  /organisations/{organisation_id}                   200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /organisations/{organisation_id}/members           200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /organisations/{organisation_id}/members           201   201   403   403  403   403     403      403     403    403     401
dossier           PATCH  /organisations/{organisation_id}/members/{person_id} 200 200   403   403  403   403     403      403     403    403     401
dossier           DELETE /organisations/{organisation_id}/members/{person_id} 200 200   403   403  403   403     403      403     403    403     401
# the dossier workspace (issue 13): staff write; the client side reads; partners' tokens never (403);
# third parties see their part through the partner-gateway's service route (third-party-workspace)
dossier           POST   /dossiers/{dossier_id}/quotes                      201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/quotes                      200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /quotes/{quote_id}                                 200   200   200   200  404   403     403      403     403    200     401
dossier           PATCH  /quotes/{quote_id}                                 200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /quotes/{quote_id}/transitions                     200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/orders                      200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /orders/{order_id}                                 200   200   200   200  404   403     403      403     403    200     401
dossier           POST   /orders/{order_id}/transitions                     200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /orders/{order_id}/invoices                        201   201   403   403  403   403     403      403     403    403     401
dossier           POST   /dossiers/{dossier_id}/invoices                    201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/invoices                    200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /invoices/{invoice_id}                             200   200   200   200  404   403     403      403     403    200     401
dossier           PATCH  /invoices/{invoice_id}                             200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /invoices/{invoice_id}/transitions                 200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /invoices/{invoice_id}/payments                    201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /invoices/{invoice_id}/payments                    200   200   200   200  404   403     403      403     403    200     401
dossier           POST   /invoices/{invoice_id}/credit-notes                201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/credit-notes                200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /credit-notes/{credit_note_id}                     200   200   200   200  404   403     403      403     403    200     401
# a numbered quote / order / invoice / credit note rendered to PDF (202: the documents worker makes the PDF)
dossier           POST   /quotes/{quote_id}/pdf                              202   202   403   403  403   403     403      403     403    403     401
dossier           POST   /orders/{order_id}/pdf                              202   202   403   403  403   403     403      403     403    403     401
dossier           POST   /invoices/{invoice_id}/pdf                          202   202   403   403  403   403     403      403     403    403     401
dossier           POST   /credit-notes/{credit_note_id}/pdf                  202   202   403   403  403   403     403      403     403    403     401
dossier           POST   /dossiers/{dossier_id}/events                      201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/events                      200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /events/{event_id}                                 200   200   200   200  404   403     403      403     403    200     401
dossier           PATCH  /events/{event_id}                                 200   200   403   403  403   403     403      403     403    403     401
dossier           POST   /events/{event_id}/cancel                          200   200   403   403  403   403     403      403     403    403     401
dossier           GET    /events/{event_id}.ics                             200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /calendar/feed                                     200   200   200   200  200   403     403      403     403    403     401
dossier           POST   /calendar/feed                                     201   201   201   201  201   403     403      403     403    403     401
dossier           DELETE /calendar/feed                                     200   200   200   200  200   403     403      403     403    403     401
dossier           GET    /calendar/feeds/{feed_token}.ics                   200   200   200   200  200   200     200      200     200    200     200
dossier           GET    /dossiers/{dossier_id}/participants                200   200   200   200  404   403     403      403     403    200     401
dossier           POST   /dossiers/{dossier_id}/expenses                    201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/expenses                    200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /expenses/{expense_id}                             200   200   200   200  404   403     403      403     403    200     401
dossier           POST   /dossiers/{dossier_id}/activities                  201   201   403   403  403   403     403      403     403    403     401
dossier           GET    /dossiers/{dossier_id}/activities                  200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /dossiers/{dossier_id}/activity-totals             200   200   200   200  404   403     403      403     403    200     401
dossier           GET    /dossiers/{dossier_id}/third-party-workspace       403   403   403   403  403   403     403      403     403    200     401

partner-gateway   GET    /partners                                          200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /partners                                          201   201   403   403  403   403     403      403     403    403     401
partner-gateway   GET    /dossiers/{dossier_id}/solicitations               200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /dossiers/{dossier_id}/solicitations               201   201   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /dossiers/{dossier_id}/solicitations/remind        200   200   403   403  403   403     403      403     403    403     401
partner-gateway   GET    /solicitations/{solicitation_id}                   200   200   403   403  403   403     403      403     403    403     401
partner-gateway   GET    /solicitations/{solicitation_id}/history           200   200   403   403  403   200     404      404     404    403     401
partner-gateway   GET    /me/solicitations                                  200   200   403   403  403   403     403      403     403    403     401
partner-gateway   GET    /dossiers/{dossier_id}/audit                       200   200   403   403  403   403     403      403     403    403     401
partner-gateway   GET    /me/dossiers                                       200   200   403   403  403   200     200      200     200    403     401
partner-gateway   GET    /me/dossiers/{dossier_id}                          404   404   403   403  403   200     404      404     200    403     401
partner-gateway   POST   /me/dossiers/{dossier_id}/notes                    403   403   403   403  403   404     404      404     201    403     401
partner-gateway   GET    /me/dossiers/{dossier_id}/workspace                403   403   403   403  403   404     404      404     200    403     401
partner-gateway   POST   /solicitations/{solicitation_id}/opinion           404   404   403   403  403   200     404      404     404    403     401
partner-gateway   PATCH  /solicitations/{solicitation_id}/completion        404   404   403   403  403   200     404      404     404    403     401
partner-gateway   GET    /dossiers/{dossier_id}/contributors                200   200   200   200  404   403     403      403     403    403     401
partner-gateway   POST   /dossiers/{dossier_id}/contributors                201   201   201   201  404   403     403      403     403    403     401
partner-gateway   GET    /me/invitations                                    403   403   403   403  403   200     200      200     200    403     401
partner-gateway   GET    /me/pieces                                         403   403   403   403  403   200     200      200     200    403     401
partner-gateway   POST   /me/pieces/{invitation_id}/{piece_code}            403   403   403   403  403   404     404      201     404    403     401
partner-gateway   GET    /access                                            403   403   403   403  403   403     403      403     403    200     401
partner-gateway   POST   /attach                                            403   403   404   404  404   200     200      200     200    403     401
partner-gateway   POST   /solicitations/{solicitation_id}/submit            404   404   403   403  403   200     404      404     404    403     401
partner-gateway   POST   /solicitations/{solicitation_id}/reissue-key       200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /solicitations/{solicitation_id}/revoke            200   200   403   403  403   403     403      403     403    403     401
partner-gateway   DELETE /solicitations/{solicitation_id}                   200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /contributors/{invitation_id}/revoke               200   200   404   404  404   403     403      403     403    403     401
partner-gateway   PATCH  /solicitations/{solicitation_id}                   200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /solicitations/{solicitation_id}/decline           404   404   403   403  403   200     404      404     404    403     401
partner-gateway   POST   /dossiers/{dossier_id}/contributors/remind         200   200   403   403  403   403     403      403     403    403     401
partner-gateway   POST   /filings                                           403   403   403   403  403   201     201      201     201    403     401
partner-gateway   GET    /me/filings                                        403   403   403   403  403   200     200      200     200    403     401
partner-gateway   GET    /me/filings/{filing_id}                            403   403   403   403  403   200     404      404     404    403     401
partner-gateway   PATCH  /me/filings/{filing_id}                            403   403   403   403  403   200     404      404     404    403     401
partner-gateway   POST   /me/filings/{filing_id}/submit                     403   403   403   403  403   200     404      404     404    403     401

attestation       GET    /products                                          200   200   403   403  403   403     403      403     403    403     401
attestation       POST   /products                                          403   201   403   403  403   403     403      403     403    403     401
attestation       GET    /products/{product_id}                             200   200   403   403  403   403     403      403     403    403     401
attestation       PUT    /products/{product_id}/attestation-templates       403   200   403   403  403   403     403      403     403    403     401
attestation       PUT    /products/{product_id}/validation                  403   200   403   403  403   403     403      403     403    403     401
attestation       GET    /validation-settings                               200   200   403   403  403   403     403      403     403    403     401
attestation       PUT    /validation-settings                               403   200   403   403  403   403     403      403     403    403     401
attestation       GET    /contracts                                         200   200   200   200  200   403     403      403     403    200     401
attestation       POST   /contracts                                         201   201   403   403  403   403     403      403     403    403     401
attestation       POST   /contracts/import                                  200   200   403   403  403   403     403      403     403    403     401
attestation       GET    /contracts/{contract_id}                           200   200   200   200  404   403     403      403     403    200     401
attestation       PATCH  /contracts/{contract_id}                           200   200   403   403  403   403     403      403     403    403     401
attestation       POST   /contracts/{contract_id}/beneficiaries             201   201   403   403  403   403     403      403     403    403     401
attestation       POST   /contracts/{contract_id}/receipts                  201   201   403   403  403   403     403      403     403    403     401
attestation       GET    /contracts/{contract_id}/attestation-options       200   200   200   200  404   403     403      403     403    403     401
attestation       GET    /attestation-requests                              200   200   200   200  404   403     403      403     403    403     401
attestation       POST   /attestation-requests                              403   403   201   201  404   403     403      403     403    403     401
attestation       GET    /attestation-requests/{request_id}                 200   200   200   200  404   403     403      403     403    403     401
attestation       GET    /validation-tasks                                  200   200   403   403  403   403     403      403     403    403     401
attestation       GET    /validation-tasks/{task_id}                        200   200   403   403  403   403     403      403     403    403     401
attestation       POST   /validation-tasks/{task_id}/approve                200   200   403   403  403   403     403      403     403    403     401
attestation       POST   /validation-tasks/{task_id}/reject                 200   200   403   403  403   403     403      403     403    403     401
attestation       PATCH  /products/{product_id}                             403   200   403   403  403   403     403      403     403    403     401
attestation       GET    /contracts/import/model.csv                        200   200   403   403  403   403     403      403     403    403     401
attestation       POST   /attestation-requests/{request_id}/revoke          200   200   403   403  403   403     403      403     403    403     401
attestation       PATCH  /validation-tasks/{task_id}                        200   200   403   403  403   403     403      403     403    403     401
attestation       GET    /verifications/{code}                              200   200   200   200  200   200     200      200     200    200     200

notification      GET    /rules                                             403   200   403   403  403   403     403      403     403    403     401
notification      POST   /rules                                             403   201   403   403  403   403     403      403     403    403     401
notification      GET    /rules/{rule_id}                                   403   200   403   403  403   403     403      403     403    403     401
notification      POST   /rules/{rule_id}/enable                            403   200   403   403  403   403     403      403     403    403     401
notification      DELETE /rules/{rule_id}                                   403   204   403   403  403   403     403      403     403    403     401
notification      GET    /contacts                                          403   200   403   403  403   403     403      403     403    403     401
notification      POST   /contacts                                          403   201   403   403  403   403     403      403     403    403     401
notification      DELETE /contacts/{contact_id}                             403   204   403   403  403   403     403      403     403    403     401
notification      GET    /notifications                                     200   200   200   200  200   200     200      200     200    403     401
notification      GET    /notifications/unread-count                        200   200   200   200  200   200     200      200     200    403     401
notification      POST   /notifications/{notification_id}/read              404   404   200   404  404   404     404      404     404    403     401
notification      GET    /deliveries                                        403   200   403   403  403   403     403      403     403    403     401
notification      GET    /me/stream                                         200   200   200   200  200   200     200      200     200    403     401

documents         GET    /documents                                         200   200   200   200  200   200     200      200     200    200     401
documents         POST   /documents                                         201   201   201   201  404   201     404      201     201    201     401
documents         GET    /documents/{document_id}                           200   200   200   200  404   200     404      200     200    200     401
documents         GET    /documents/{document_id}/content                   200   200   200   200  404   200     404      200     200    200     401
documents         PATCH  /documents/{document_id}                           200   200   403   403  403   403     403      403     403    200     401
documents         GET    /templates                                         200   200   403   403  403   403     403      403     403    200     401
documents         POST   /templates                                         403   201   403   403  403   403     403      403     403    201     401
documents         GET    /templates/{template_id}                           200   200   403   403  403   403     403      403     403    200     401
documents         POST   /templates/{template_id}/versions                  403   201   403   403  403   403     403      403     403    403     401
documents         GET    /templates/{template_id}/fields                    200   200   403   403  403   403     403      403     403    200     401
documents         PUT    /templates/{template_id}/fields                    403   200   403   403  403   403     403      403     403    403     401
documents         POST   /templates/{template_id}/render                    201   201   403   403  403   403     403      403     403    201     401
documents         DELETE /documents/{document_id}                           204   204   403   403  403   403     403      403     403    204     401
"""


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    expected: dict[str, int]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.method, self.path

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"


def _parse(table: str) -> list[Route]:
    routes = []
    for line in table.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        service, method, path, *statuses = line.split()
        if len(statuses) != len(ROLES):
            raise ValueError(f"{service} {method} {path}: {len(statuses)} statuses for {len(ROLES)} roles")
        routes.append(Route(service, method, path, dict(zip(ROLES, map(int, statuses), strict=False))))
    return routes


ROUTES: list[Route] = _parse(TABLE)


# Once the dossier is closed (docs/architecture.md §5: a closed dossier refuses every change with 409, through the
# gateway too), each caller who could change it before now gets 409 in every service; reads stay open to
# those who could read (issue 14: a partner keeps read-only access to a closed dossier; the on-behalf routes
# on a dossier that was not filed on behalf answer 409 to the service).
CLOSED_TABLE = """
# service         method path                                               caller   status
dossier           GET    /dossiers/{dossier_id}                             owner    200
dossier           GET    /dossiers/{dossier_id}/timeline                    agent    200
dossier           PATCH  /dossiers/{dossier_id}                             agent    409
dossier           PATCH  /dossiers/{dossier_id}                             owner    409
dossier           POST   /dossiers/{dossier_id}/notes                       agent    409
dossier           POST   /dossiers/{dossier_id}/notes                       owner    409
dossier           POST   /dossiers/{dossier_id}/developments                agent    409
dossier           POST   /dossiers/{dossier_id}/transitions                 agent    409
dossier           PATCH  /dossiers/{dossier_id}/partner-values              service  409
dossier           POST   /dossiers/{dossier_id}/third-party-notes           service  409
dossier           POST   /dossiers/{dossier_id}/close                       agent    409
dossier           GET    /dossiers/{dossier_id}/quotes                      owner    200
dossier           GET    /dossiers/{dossier_id}/events                      owner    200
dossier           POST   /dossiers/{dossier_id}/quotes                      agent    409
dossier           POST   /dossiers/{dossier_id}/invoices                    agent    409
dossier           POST   /dossiers/{dossier_id}/events                      agent    409
dossier           POST   /dossiers/{dossier_id}/expenses                    agent    409
dossier           POST   /dossiers/{dossier_id}/activities                  agent    409
dossier           POST   /invoices/{invoice_id}/pdf                         agent    409
partner-gateway   POST   /dossiers/{dossier_id}/solicitations               agent    409
partner-gateway   POST   /dossiers/{dossier_id}/contributors                agent    409
partner-gateway   POST   /dossiers/{dossier_id}/contributors                owner    409
partner-gateway   POST   /me/dossiers/{dossier_id}/notes                    partic   409
partner-gateway   GET    /me/dossiers/{dossier_id}                          partner  200
partner-gateway   GET    /me/dossiers/{dossier_id}/workspace                partic   200
partner-gateway   POST   /solicitations/{solicitation_id}/opinion           partner  409
partner-gateway   PATCH  /solicitations/{solicitation_id}/completion        partner  409
partner-gateway   POST   /solicitations/{solicitation_id}/submit            partner  409
partner-gateway   POST   /me/pieces/{invitation_id}/{piece_code}            contrib  409
documents         GET    /documents/{document_id}                           owner    200
documents         GET    /documents/{document_id}/content                   agent    200
documents         POST   /documents                                         agent    409
documents         POST   /documents                                         owner    409
documents         PATCH  /documents/{document_id}                           agent    409
documents         DELETE /documents/{document_id}                           agent    409
documents         POST   /templates/{template_id}/render                    agent    409
"""


@dataclass(frozen=True)
class ClosedCell:
    route: Route
    role: str
    status: int

    def __str__(self) -> str:
        return f"{self.route} [{self.role}]"


def _parse_closed(table: str) -> list[ClosedCell]:
    routes = {route.key: route for route in ROUTES}
    cells = []
    for line in table.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            service, method, path, role, status = line.split()
            cells.append(ClosedCell(routes[(service, method, path)], role, int(status)))
    return cells


CLOSED: list[ClosedCell] = _parse_closed(CLOSED_TABLE)


# While the dossier is in a status hidden from partners (``partner_visible`` false, and not one of the
# solicitation's open statuses), the attached partner loses every access, in every service; contributors,
# participants and the client keep theirs (the partner status rule is specific to solicitations).
HIDDEN_TABLE = """
# service         method path                                               caller   status
partner-gateway   GET    /me/dossiers/{dossier_id}                          partner  404
partner-gateway   POST   /solicitations/{solicitation_id}/opinion           partner  404
partner-gateway   PATCH  /solicitations/{solicitation_id}/completion        partner  404
partner-gateway   POST   /solicitations/{solicitation_id}/submit            partner  404
documents         GET    /documents/{document_id}                           partner  404
documents         GET    /documents/{document_id}/content                   partner  404
documents         POST   /documents                                         partner  404
partner-gateway   GET    /me/dossiers/{dossier_id}                          partic   200
partner-gateway   POST   /me/dossiers/{dossier_id}/notes                    partic   201
partner-gateway   GET    /me/dossiers/{dossier_id}/workspace                partic   200
documents         GET    /documents/{document_id}                           partic   200
documents         GET    /documents/{document_id}                           contrib  200
partner-gateway   POST   /me/pieces/{invitation_id}/{piece_code}            contrib  201
dossier           GET    /dossiers/{dossier_id}                             owner    200
documents         GET    /documents/{document_id}                           owner    200
"""

HIDDEN: list[ClosedCell] = _parse_closed(HIDDEN_TABLE)
