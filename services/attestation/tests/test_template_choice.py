"""Template choice and input rules (pure functions)."""

import pytest

from attestation.domain.choice import (
    InputField,
    OfferedTemplate,
    choice_needed,
    choose_template,
    offered_templates,
    resolve_inputs,
)
from platform_shared.errors import ValidationFailed

CONTRACT_A = OfferedTemplate("t-contract-a", "contract", "Attestation d'assurance", "Attestation simple")
CONTRACT_B = OfferedTemplate("t-contract-b", "contract", "Attestation événement", None)
VEHICLE = OfferedTemplate("t-beneficiary", "beneficiary", "Carte verte", None)


def test_one_template_needs_no_choice_and_is_used_without_naming_it():
    assert not choice_needed(offered_templates([CONTRACT_A, VEHICLE], beneficiary_chosen=False))
    assert choose_template([CONTRACT_A, VEHICLE], None, beneficiary_chosen=False) == CONTRACT_A


def test_several_templates_need_a_choice_and_omitting_it_is_422():
    assert choice_needed(offered_templates([CONTRACT_A, CONTRACT_B], beneficiary_chosen=False))
    with pytest.raises(ValidationFailed):
        choose_template([CONTRACT_A, CONTRACT_B], None, beneficiary_chosen=False)


def test_a_beneficiary_offers_only_beneficiary_templates():
    assert offered_templates([CONTRACT_A, VEHICLE], beneficiary_chosen=True) == [VEHICLE]


def test_no_beneficiary_offers_only_contract_templates():
    assert offered_templates([CONTRACT_A, CONTRACT_B, VEHICLE], beneficiary_chosen=False) == [CONTRACT_A, CONTRACT_B]


def test_a_contract_template_with_a_beneficiary_is_422():
    with pytest.raises(ValidationFailed) as raised:
        choose_template([CONTRACT_A, VEHICLE], "t-contract-a", beneficiary_chosen=True)
    assert "template_id" in raised.value.errors


def test_a_beneficiary_template_without_a_beneficiary_is_422():
    with pytest.raises(ValidationFailed):
        choose_template([CONTRACT_A, VEHICLE], "t-beneficiary", beneficiary_chosen=False)


def test_the_title_is_the_extranet_title_or_else_the_template_name():
    assert CONTRACT_A.title == "Attestation simple"
    assert CONTRACT_B.title == "Attestation événement"


FIELDS = [InputField("motif", "Motif", None), InputField("date_debut", "Date de début", "01/12/2026")]


def test_inputs_take_the_given_values_and_defaults_for_the_rest():
    assert resolve_inputs(FIELDS, {"motif": "Salon"}) == {"motif": "Salon", "date_debut": "01/12/2026"}


def test_a_missing_required_input_is_422_naming_it():
    with pytest.raises(ValidationFailed) as raised:
        resolve_inputs(FIELDS, {"motif": "  "})
    assert raised.value.errors == {"inputs": {"motif": ["Motif is required."]}}


def test_an_unknown_input_is_422():
    with pytest.raises(ValidationFailed) as raised:
        resolve_inputs(FIELDS, {"motif": "x", "hack": "y"})
    assert "hack" in raised.value.errors["inputs"]
