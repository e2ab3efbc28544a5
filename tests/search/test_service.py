"""What the typo search may skip without measuring: only texts that cannot pass."""

from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.search.service import _similarity, typo_bounds

# Few characters, so that names share many of them, as real 字号 do.
CHARS = "金鼎盛商贸华信连云港海州文化平育电洋"
char = st.sampled_from(CHARS)


@st.composite
def near_names(draw):
    """A query, and a name holding it with a few characters replaced, dropped or added."""
    query = draw(st.text(alphabet=CHARS, min_size=3, max_size=12))
    name = list(query)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(name)))
        edit = draw(st.sampled_from(["replace", "drop", "add"]))
        if edit == "add" or not name:
            name.insert(at, draw(char))
        elif edit == "drop":
            del name[min(at, len(name) - 1)]
        else:
            name[min(at, len(name) - 1)] = draw(char)
    before = draw(st.text(alphabet=CHARS, max_size=4))
    after = draw(st.text(alphabet=CHARS, max_size=4))
    return query, before + "".join(name) + after


@settings(max_examples=500, deadline=None)
@given(near_names())
def test_a_text_close_enough_to_a_typo_query_holds_all_but_edits_of_its_characters(pair):
    query, text = pair
    cutoff, edits = typo_bounds(query)
    if _similarity(query, text)[0] >= cutoff:
        assert len(set(query) & set(text)) >= len(set(query)) - edits


def test_one_wrong_character_in_a_short_name_is_one_edit():
    cutoff, edits = typo_bounds("平育文化")
    assert edits == 1
    assert _similarity("平育文化", "华育文化")[0] >= cutoff
    assert _similarity("平育文化", "华育商贸")[0] < cutoff


def test_a_words_search_reads_the_postings_of_its_narrowest_word(registry, session):
    from xinyong.search.backends import backend_for
    from xinyong.search.service import _narrowest

    conn = session.connection()
    backend = backend_for(conn)
    # 测试 is in 25 字号 of this registry, 海鑫 in two; a place is in most names and never
    # drives while another word can.
    assert _narrowest(conn, backend, ["测试", "海鑫"]) == "海鑫"
    assert _narrowest(conn, backend, ["海州", "商贸"]) == "商贸"
    assert _narrowest(conn, backend, ["连云港", "鑫"]) == "鑫"
    # A word of three or more characters that the index holds drives before short ones.
    assert _narrowest(conn, backend, ["海鑫", "金鼎盛"]) == "金鼎盛"
