"""Tracking numbers people can read over the phone, and access codes kept only as hashes."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st
from portal.domain import codes


def test_a_tracking_number_is_digits_in_groups_of_four_with_a_valid_check_digit() -> None:
    number = codes.new_tracking_no()
    assert re.fullmatch(r"TS-\d{4}-\d{4}-\d{4}", number)
    assert codes.normalize_tracking_no(number) == number


def test_tracking_numbers_are_not_sequential() -> None:
    numbers = {codes.new_tracking_no() for _ in range(200)}
    assert len(numbers) == 200
    digits = sorted(int(n.replace("TS-", "").replace("-", "")) for n in numbers)
    assert all(b - a > 1 for a, b in itertools.pairwise(digits))


def test_a_tracking_number_typed_loosely_is_recognised() -> None:
    number = codes.new_tracking_no()
    assert codes.normalize_tracking_no(" ts " + number[3:].replace("-", " ") + " ") == number


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 10), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(body: str, position: int, shift: int) -> None:
    digits = body + codes.damm_check_digit(body)
    wrong = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1 :]
    assert codes.normalize_tracking_no(wrong) is None


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 10))
def test_any_swap_of_neighbouring_digits_is_caught(body: str, position: int) -> None:
    digits = body + codes.damm_check_digit(body)
    if digits[position] == digits[position + 1]:
        return
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
    assert codes.normalize_tracking_no(swapped) is None


def test_an_access_code_verifies_only_against_its_own_salted_hash() -> None:
    code = codes.new_access_code()
    stored = codes.hash_access_code(code)
    assert code not in stored
    assert codes.hash_access_code(code) != stored  # a new salt each time
    assert codes.verify_access_code(code.lower(), stored)
    assert not codes.verify_access_code("23456789", stored)
    assert not codes.verify_access_code(code, codes.DECOY_ACCESS_HASH)
