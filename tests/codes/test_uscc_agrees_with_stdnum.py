"""Our USCC check is python-stdnum's, plus the GB 32100 tables, plus letter authorities."""

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from xinyong.codes import check_uscc, is_valid_uscc, uscc_with_check
from xinyong.codes.tables import ENTITY_TYPES, types_under

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGIT_TYPES = sorted(key for key in ENTITY_TYPES if key.isdigit())
LETTER_TYPES = sorted(key for key in ENTITY_TYPES if key[0] in "ANY")

digits = st.text("0123456789", min_size=1, max_size=1)
tail = st.text(ALPHABET, min_size=9, max_size=9)  # organisation-code part, positions 9-17
division = st.text("0123456789", min_size=6, max_size=6)


def bodies(heads: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda h, d, t: h + d + t, heads, division, tail)


lawful_bodies = bodies(st.sampled_from(DIGIT_TYPES))
any_digit_bodies = bodies(st.text("0123456789", min_size=2, max_size=2))
# Characters a typist might put in: the alphabet, the five never-used letters, and junk.
typed_chars = st.sampled_from(ALPHABET + "IOZSV" + "a*中 ")


@st.composite
def corrupted(draw: st.DrawFn, codes: st.SearchStrategy[str]) -> str:
    """A code with one typing mistake: substitution, adjacent transposition or deletion."""
    code = draw(codes)
    kind = draw(st.sampled_from(["substitute", "transpose", "delete"]))
    if kind == "substitute":
        i = draw(st.integers(0, 17))
        char = draw(typed_chars.filter(lambda c: c != code[i]))
        return code[:i] + char + code[i + 1 :]
    if kind == "transpose":
        i = draw(st.integers(0, 16))
        return code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    i = draw(st.integers(0, 17))
    return code[:i] + code[i + 1 :]


@given(lawful_bodies)
def test_a_lawful_code_is_valid_for_both(body: str) -> None:
    code = uscc_with_check(body)
    assert stdnum_uscc.is_valid(code)
    result = check_uscc(code)
    assert result.valid, result.errors
    assert result.code == code


@given(corrupted(lawful_bodies.map(uscc_with_check)))
def test_a_mistyped_code_gets_the_same_verdict_as_stdnum(code: str) -> None:
    assert check_uscc(code).valid == stdnum_uscc.is_valid(code)


@given(
    st.one_of(
        any_digit_bodies.map(uscc_with_check), corrupted(any_digit_bodies.map(uscc_with_check))
    )
)
def test_beyond_stdnum_we_only_add_the_gb32100_tables(code: str) -> None:
    """stdnum accepts any two leading digits; we also require a real authority and type."""
    result = check_uscc(code)
    if stdnum_uscc.is_valid(code) and not result.valid:
        assert {p.code for p in result.errors} <= {"authority", "entity_type"}
    assert result.valid == (stdnum_uscc.is_valid(code) and code[:2] in ENTITY_TYPES)


@given(bodies(st.sampled_from(LETTER_TYPES)))
def test_letter_authorities_are_lawful_although_stdnum_rejects_them(body: str) -> None:
    code = uscc_with_check(body)
    result = check_uscc(code)
    assert result.valid, result.errors
    assert not stdnum_uscc.is_valid(code)
    assert result.decoded["authority"]["code"] == body[0]
    assert result.decoded["entity_type"] in [t.to_dict() for t in types_under(body[0])]


def test_stdnum_docstring_letter_code_is_rejected_only_for_its_check_character() -> None:
    # stdnum's own doctest uses "A1110000600037341L" as a format error; for GB 32100 it is
    # an army public institution whose check character should be K.
    result = check_uscc("A1110000600037341L")
    assert [p.code for p in result.errors] == ["check_char"]
    assert check_uscc("A1110000600037341K").valid
    assert result.decoded["entity_type"]["name_zh"] == "军队事业单位"


@given(
    st.one_of(
        lawful_bodies.map(uscc_with_check),
        bodies(st.sampled_from(LETTER_TYPES)).map(uscc_with_check),
        corrupted(any_digit_bodies.map(uscc_with_check)),
    )
)
def test_the_bulk_import_fast_path_gives_the_same_verdict(code: str) -> None:
    """Imports use is_valid_uscc on normalised codes; it must never disagree with check_uscc."""
    result = check_uscc(code)
    if result.code == code:
        assert is_valid_uscc(code) == result.valid
