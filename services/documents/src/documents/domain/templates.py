"""Word templates: finding their tags, telling entity fields from inputs, building the context, rendering.

Tags are found by walking the Jinja syntax tree of the XML that docxtpl renders (body, headers,
footers, after docxtpl has joined tags Word split across runs): ``get_undeclared_template_variables``
only reports top-level names. Rendering always goes through a sandboxed, autoescaping environment.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from jinja2 import TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .errors import MissingInputs, UnknownInputs

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

# docxtpl and python-docx (~17 MiB) are imported where a template is read or rendered: the API on an upload,
# the render server once for all its children (``preload``), never the documents worker (issue 18: memory).


def preload() -> None:
    """Import what reading and rendering templates needs (the render server, before it forks)."""
    import docx.opc.constants
    import docx.shared
    import docxtpl

    del docx, docxtpl


# What an attestation (the attestation service renders contract and beneficiary templates) says of the
# contract, its holder, the receipt it relies on, and how to verify it.
_ATTESTATION_FIELDS = {
    "contract.number": "Contract number",
    "contract.product_name": "Product name",
    "contract.product_code": "Product code",
    "contract.status": "Contract status, in the template's language",
    "contract.start_date": "Start date",
    "contract.end_date": "End date",
    "contract.beneficiaries": "The contract's beneficiaries, on one line",
    "client.name": "The holder's name (the contract's, whoever asks)",
    "client.email": "The holder's email",
    "client.org": "The holder's company",
    "client.address": "The holder's postal address, on one line",
    "receipt.period_start": "Start of the premium receipt covering the day of issue",
    "receipt.period_end": "End of that receipt",
    "receipt.amount_due": "Amount due on that receipt",
    "receipt.amount_paid": "Amount paid on that receipt",
    "verification.code": "The attestation's verification code",
    "verification.url": "The public page that verifies it",
    "verification.qr": "A QR code of that page (an image)",
    "verification.valid_from": "First day of validity",
    "verification.valid_until": "Last day of validity",
}
# The context each entity's renderer provides (the caller sends these values in ``context``).
ENTITY_FIELDS: dict[str, dict[str, str]] = {
    "contract": dict(_ATTESTATION_FIELDS),
    "beneficiary": {
        **_ATTESTATION_FIELDS,
        "beneficiary.kind": "person, vehicle or building",
        "beneficiary.name": "Person's name, vehicle's plate or building's address",
        "beneficiary.description": "Free description of the beneficiary",
    },
    "dossier": {
        "dossier.reference": "Dossier reference",
        "dossier.title": "Dossier title",
        "dossier.status_label": "Current status",
        "dossier.category": "Category",
        "client.name": "Requester's name",
        "client.email": "Requester's email",
        "assignee.name": "Assigned agent's name",
    },
    # A quote, an order, an invoice or a credit note of a dossier (the dossier service renders them). Amounts are
    # decimal strings (``1234.50``), never numbers: a template prints them with ``document.currency``.
    "finance": {
        "document.kind": "quote, order, invoice or credit_note",
        "document.kind_label": "Quote, Order, Invoice or Credit note, in the template's language",
        "document.number": "Its number (QUO-2026-0001, ORD-, INV-, CRN-)",
        "document.title": "Its title",
        "document.status": "Its status, in the template's language",
        "document.currency": "Its currency (EUR)",
        "document.issued_on": "The day it took its number",
        "document.valid_until": "A quote's last day of validity",
        "document.due_on": "An invoice's due date",
        "document.source_number": "The quote of an order, the order of an invoice, the invoice a credit note corrects",
        "document.lines": "The lines (a list: position, label, quantity, unit, unit_price, vat_rate, net, vat, total)",
        "document.vat_totals": "VAT per rate (a list: vat_rate, net, vat)",
        "document.net": "Total before VAT",
        "document.vat": "Total VAT",
        "document.total": "Total including VAT",
        "document.paid": "What payments settled (invoices)",
        "document.credited": "What credit notes settled (invoices)",
        "document.balance_due": "What remains to pay (invoices)",
        "dossier.reference": "Dossier reference",
        "dossier.title": "Dossier title",
        "client.name": "The client's name",
        "client.email": "The client's email",
        "client.org_name": "The client's company",
    },
}
# Filled by the service itself on every render.
SERVICE_FIELDS = {"today": "Date of generation, in the template's language"}
# Tags rendered as an image made from another value: a QR code of the URL.
QR_FIELDS = {"verification.qr": "verification.url"}
QR_WIDTH_MM = 30
ENTITIES = tuple(ENTITY_FIELDS)
_UNUSUAL_QUOTES = "“”„‟‘’‚‛«»‹›′″"


class TemplateProblem(Exception):
    """A template (or a render) that cannot be accepted; ``tag`` names the culprit when known."""

    def __init__(self, message: str, tag: str | None = None):
        super().__init__(message)
        self.message = message
        self.tag = tag


def sandbox() -> SandboxedEnvironment:
    """No access to Python internals, and values escaped for XML (``<``, ``>``, ``&`` survive)."""
    return SandboxedEnvironment(autoescape=True)


def _parts_xml(docx_bytes: bytes) -> list[str]:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(docx_bytes))
    template.init_docx()
    parts = [template.patch_xml(template.get_xml())]
    for uri in (RT.HEADER, RT.FOOTER):
        for _key, part in template.get_headers_footers(uri):
            parts.append(template.patch_xml(template.get_part_xml(part)))
    return parts


def _tag_texts(xml: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "", xml)
    return re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.DOTALL)


def _culprit(xml: str, env: SandboxedEnvironment) -> str | None:
    for tag in _tag_texts(xml):
        if any(quote in tag for quote in _UNUSUAL_QUOTES):
            return tag
        if tag.startswith("{{"):
            try:
                env.parse(tag)
            except TemplateSyntaxError:
                return tag
    return None


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        base = _dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def _refuse_private_access(node: nodes.Node) -> None:
    for item in node.find_all((nodes.Getattr, nodes.Getitem)):
        name = item.attr if isinstance(item, nodes.Getattr) else getattr(item.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            tag = _dotted(item) or name
            raise TemplateProblem(
                f"The tag {tag} uses a private attribute ({name}), which templates may not use.", tag=tag
            )


def _target_names(target: nodes.Node) -> set[str]:
    return {name.name for name in target.find_all(nodes.Name)} | (
        {target.name} if isinstance(target, nodes.Name) else set()
    )


def _collect(node: nodes.Node, bound: frozenset[str], found: set[str], global_names: set[str]) -> None:
    if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _dotted(node)
        if path is not None:
            root = path.split(".")[0]
            if (
                root not in bound
                and root not in global_names
                and not (isinstance(node, nodes.Name) and node.ctx != "load")
            ):
                found.add(path)
            return
    if isinstance(node, nodes.For):
        _collect(node.iter, bound, found, global_names)
        inner = bound | _target_names(node.target) | {"loop"}
        for child in [*node.body, *node.else_, *([node.test] if node.test else [])]:
            _collect(child, inner, found, global_names)
        return
    for child in node.iter_child_nodes():
        _collect(child, bound, found, global_names)


def discover_tags(docx_bytes: bytes) -> list[str]:
    """Every variable path the template reads (``contract.number``...), sorted.

    Raises ``TemplateProblem`` for a syntax error (naming the tag, e.g. one with Word's smart quotes)
    or for a tag reaching for private attributes.
    """
    env = sandbox()
    found: set[str] = set()
    try:
        parts = _parts_xml(docx_bytes)
    except Exception as error:  # python-docx raises many types for a broken package
        raise TemplateProblem(f"The file is not a readable Word document ({type(error).__name__}).") from error
    for xml in parts:
        try:
            tree = env.parse(xml)
        except TemplateSyntaxError as error:
            tag = _culprit(xml, env)
            where = f" in the tag {tag}" if tag else ""
            hint = (
                " (Word's typographic quotes are not allowed inside tags: use straight quotes)"
                if tag and any(quote in tag for quote in _UNUSUAL_QUOTES)
                else ""
            )
            raise TemplateProblem(f"Template syntax error{where}: {error.message}{hint}.", tag=tag) from error
        _refuse_private_access(tree)
        assigned = {name for assign in tree.find_all(nodes.Assign) for name in _target_names(assign.target)}
        _collect(tree, frozenset(assigned), found, set(env.globals))
    return sorted(found)


@dataclass(frozen=True)
class FieldConfig:
    label: str | None = None
    default: str | None = None


def entity_provides(entity: str, tag: str) -> bool:
    return tag in ENTITY_FIELDS.get(entity, {}) or tag in SERVICE_FIELDS


def input_tags(entity: str, tags: Iterable[str]) -> list[str]:
    return [tag for tag in tags if not entity_provides(entity, tag)]


def _set_path(context: dict, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = context
    for name in parents:
        child = node.get(name)
        if not isinstance(child, dict):
            child = node[name] = {} if child is None else {"value": child}
        node = child
    node[leaf] = value


def _get_path(context: dict, path: str) -> Any:
    node: Any = context
    for name in path.split("."):
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    return node


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


@dataclass(frozen=True)
class RenderContext:
    values: dict
    warnings: list[dict]


def build_context(
    *, entity: str, tags: list[str], context: dict, inputs: dict, fields: dict[str, FieldConfig], today: str
) -> RenderContext:
    """The values a render uses: the entity's context, the inputs (or their defaults), ``today``.

    Raises ``MissingInputs`` for inputs without value nor default, ``UnknownInputs`` for inputs the
    template does not ask for. Tags that resolve to an empty value become warnings.
    """
    expected_inputs = input_tags(entity, tags)
    unknown = sorted(set(inputs) - set(expected_inputs))
    if unknown:
        raise UnknownInputs(unknown)
    values = copy.deepcopy(context)
    values.setdefault("today", today)
    missing = []
    for name in expected_inputs:
        value = inputs.get(name)
        if value is None:
            value = fields.get(name, FieldConfig()).default
        if value is None:
            missing.append(name)
            continue
        _set_path(values, name, value)
    if missing:
        raise MissingInputs(missing)

    def empty(tag: str) -> bool:
        return _is_empty(_get_path(values, QR_FIELDS.get(tag, tag)))

    warnings = [{"field": tag, "message": "The tag resolved to an empty value."} for tag in tags if empty(tag)]
    for tag in tags:
        if _get_path(values, tag) is None and (tag not in QR_FIELDS or empty(tag)):
            _set_path(values, tag, "")  # render as nothing rather than "None" or an undefined error
    return RenderContext(values, warnings)


def qr_png(data: str) -> bytes:
    """A QR code (error correction M, a quiet zone of 4 modules) as a PNG, crisp at print size."""
    output = io.BytesIO()
    segno.make_qr(data, error="m").save(output, kind="png", scale=10, border=4)
    return output.getvalue()


def _with_qr_codes(template: DocxTemplate, values: dict) -> dict:
    from docx.shared import Mm
    from docxtpl import InlineImage

    filled = dict(values)
    for tag, source in QR_FIELDS.items():
        data = _get_path(values, source)
        if isinstance(data, str) and data.strip() and _get_path(values, tag) is None:
            filled = copy.deepcopy(filled)
            image = InlineImage(template, io.BytesIO(qr_png(data)), width=Mm(QR_WIDTH_MM))
            _set_path(filled, tag, image)
    return filled


def render_docx(docx_bytes: bytes, values: dict) -> bytes:
    """The filled .docx (QR codes drawn where ``QR_FIELDS`` ask); a sandbox violation or a render error becomes ``TemplateProblem``.

    Beyond Jinja's own errors a template can fail in any way its expressions do (``range(10**7)`` is
    an ``OverflowError`` from the sandbox, ``1/0`` a ``ZeroDivisionError``): all are the template's
    problem, told to its author. Time and memory are bounded by the process it runs in
    (``conversion.render_process``)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(docx_bytes))
    values = _with_qr_codes(template, values)
    try:
        template.render(values, jinja_env=sandbox())
    except TemplateError as error:
        raise TemplateProblem(
            f"The template could not be rendered: {error.message or type(error).__name__}."
        ) from error
    except MemoryError:
        raise
    except Exception as error:
        raise TemplateProblem(
            f"The template could not be rendered: {type(error).__name__}: {str(error).rstrip('.')}."
        ) from error
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()
