"""The financial rule as plain functions: participants never see a financial document; nobody else changes."""

from dataclasses import dataclass, field

import pytest

from documents.domain.access import NO_ACCESS, OwnerClient, ThirdPartyAccess, financial_flag, may_need_gateway, may_see
from platform_shared.auth import Caller

INVOICE_CATEGORIES = ("invoice", "quote")
DOSSIER_CLIENT = OwnerClient(client_sub="client-bob", client_org="acme")


@dataclass
class Doc:
    financial: bool
    visible_client: bool = True
    visible_partner: bool = False
    visible_roles: list = field(default_factory=list)
    owner_type: str = "dossier"
    owner_id: str = "dos-1"
    dossier_id: str | None = "dos-1"
    uploaded_by_sub: str = "agent-alice"


def _sees(caller: Caller, document: Doc, access: ThirdPartyAccess = NO_ACCESS) -> bool:
    return may_see(caller, document, DOSSIER_CLIENT, access)


PARTICIPANT = Caller("sub-contractor", "partner")
AS_PARTICIPANT = ThirdPartyAccess(participant=True)


def test_a_participant_does_not_see_a_financial_document_shared_with_the_client():
    assert not _sees(PARTICIPANT, Doc(financial=True), AS_PARTICIPANT)


def test_a_participant_sees_a_plain_document_shared_with_the_client():
    assert _sees(PARTICIPANT, Doc(financial=False), AS_PARTICIPANT)


@pytest.mark.parametrize(
    "caller",
    [Caller("agent-alice", "agent"), Caller("admin-ada", "admin"), Caller("service:attestation", "service")],
    ids=["agent", "admin", "service"],
)
def test_staff_and_services_see_financial_documents_even_internal_ones(caller):
    assert _sees(caller, Doc(financial=True))
    assert _sees(caller, Doc(financial=True, visible_client=False))


@pytest.mark.parametrize(
    "caller",
    [Caller("client-bob", "client"), Caller("client-dora", "client", org="acme")],
    ids=["owner", "company member"],
)
def test_the_client_side_sees_financial_documents_shared_with_it(caller):
    assert _sees(caller, Doc(financial=True))


def test_a_client_of_another_company_sees_no_financial_document():
    assert not _sees(Caller("client-eve", "client", org="globex"), Doc(financial=True))


def test_a_participant_sees_their_own_upload_even_when_it_is_financial():
    own = Doc(financial=True, visible_client=False, uploaded_by_sub=PARTICIPANT.sub)
    assert _sees(PARTICIPANT, own, AS_PARTICIPANT)


def test_a_partner_solicited_for_a_financial_opinion_sees_the_financial_piece_flagged_for_partners():
    partner = Caller("partner-paul", "partner")
    piece = Doc(financial=True, visible_client=False, visible_partner=True)
    assert _sees(partner, piece, ThirdPartyAccess(partner=True, solicitation_ids=frozenset({"sol-1"})))


def test_a_contributor_sees_the_financial_piece_of_their_role():
    guarantor = Caller("guarantor-gus", "partner")
    piece = Doc(financial=True, visible_client=False, visible_roles=["guarantor"])
    assert _sees(guarantor, piece, ThirdPartyAccess(contributor_roles=frozenset({"guarantor"})))


def test_a_participant_who_is_also_a_contributor_sees_a_financial_piece_only_through_their_role():
    both = ThirdPartyAccess(participant=True, contributor_roles=frozenset({"guarantor"}))
    assert _sees(PARTICIPANT, Doc(financial=True, visible_roles=["guarantor"]), both)
    assert not _sees(PARTICIPANT, Doc(financial=True, visible_roles=["tenant_2"]), both)


def test_a_financial_document_shared_only_with_the_client_needs_no_gateway_answer():
    assert not may_need_gateway(Doc(financial=True))
    assert may_need_gateway(Doc(financial=False))
    assert may_need_gateway(Doc(financial=True, visible_partner=True))
    assert may_need_gateway(Doc(financial=True, visible_roles=["guarantor"]))


@pytest.mark.parametrize(
    "caller",
    [Caller("agent-alice", "agent"), Caller("admin-ada", "admin"), Caller("service:partner-gateway", "service")],
    ids=["agent", "admin", "service"],
)
def test_staff_and_services_decide_the_flag_whatever_the_category(caller):
    assert financial_flag(caller, True, "other", INVOICE_CATEGORIES) is True
    assert financial_flag(caller, False, "invoice", INVOICE_CATEGORIES) is False


def test_without_a_word_from_staff_the_category_decides():
    agent = Caller("agent-alice", "agent")
    assert financial_flag(agent, None, "invoice", INVOICE_CATEGORIES) is True
    assert financial_flag(agent, None, "quote", INVOICE_CATEGORIES) is True
    assert financial_flag(agent, None, "supporting_piece", INVOICE_CATEGORIES) is False
    assert financial_flag(agent, None, "invoice", ()) is False


@pytest.mark.parametrize(
    "caller", [Caller("client-bob", "client"), Caller("partner-paul", "partner")], ids=["client", "third party"]
)
def test_clients_and_third_parties_cannot_set_the_flag_the_category_decides(caller):
    assert financial_flag(caller, True, "other", INVOICE_CATEGORIES) is False
    assert financial_flag(caller, False, "invoice", INVOICE_CATEGORIES) is True
