"""Verification codes: 140 bits from secrets, forgiving when typed back, stored only as a hash."""

import pytest

from platform_shared import secret_codes


def test_a_code_has_seven_groups_of_four_crockford_symbols():
    code = secret_codes.generate_code()
    groups = code.split("-")
    assert len(groups) == 7 and all(len(group) == 4 for group in groups)
    assert set(code.replace("-", "")) <= set(secret_codes.ALPHABET)


def test_two_codes_differ():
    assert len({secret_codes.generate_code() for _ in range(200)}) == 200


def test_a_code_typed_in_lower_case_without_dashes_or_with_look_alikes_hashes_the_same():
    code = "7KQ2-M9XD-0000-1111-ABCD-EFGH-JKMN"
    typed = "7kq2m9xd OOOO-IlIl abcdefghjkmn"
    assert secret_codes.hash_code(typed) == secret_codes.hash_code(code)
    assert secret_codes.compact(code) == "7KQ2M9XD00001111ABCDEFGHJKMN"


def test_a_short_code_is_refused():
    with pytest.raises(ValueError):
        secret_codes.generate_code(groups=6)
