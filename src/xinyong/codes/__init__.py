"""Credit codes: USCC, registration numbers, organisation codes, divisions and personal-data masking."""

from xinyong.codes.dispatch import check_code
from xinyong.codes.divisions import Division, lookup_division
from xinyong.codes.legacy import (
    check_organisation_code,
    check_registration_number,
    is_valid_registration_number,
)
from xinyong.codes.masking import is_personal_id, mask_email, mask_id_number, mask_person_name
from xinyong.codes.problems import CodeCheck, CodeProblem
from xinyong.codes.uscc import check_uscc, is_valid_uscc, uscc_with_check

__all__ = [
    "CodeCheck",
    "CodeProblem",
    "Division",
    "check_code",
    "check_organisation_code",
    "check_registration_number",
    "check_uscc",
    "is_personal_id",
    "is_valid_registration_number",
    "is_valid_uscc",
    "lookup_division",
    "mask_email",
    "mask_id_number",
    "mask_person_name",
    "uscc_with_check",
]
