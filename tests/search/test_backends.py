"""Which trigrams a contains search narrows by."""

from xinyong.search.backends import MAX_TRIGRAMS, rarest


def test_a_long_query_is_narrowed_by_rare_trigrams_that_do_not_overlap():
    # The three rarest overlap (all from "jiudian"); apart ones narrow independently.
    query = "xingjiudianguanli"
    counts = {query[i : i + 3]: 100_000 for i in range(len(query) - 2)}
    counts |= {"iud": 15_045, "jiu": 23_857, "udi": 24_025, "ngu": 30_000, "anl": 40_000}
    chosen = rarest(query, counts)
    starts = sorted(query.index(g) for g in chosen)
    assert len(chosen) == MAX_TRIGRAMS and chosen[0] == "iud"
    assert all(b - a >= 3 for a, b in zip(starts, starts[1:], strict=False))


def test_a_short_query_still_uses_as_many_trigrams_as_it_has():
    assert sorted(rarest("金鼎盛商", {"金鼎盛": 40, "鼎盛商": 9})) == ["金鼎盛", "鼎盛商"]
    assert rarest("a(b", {}) == []  # pg_trgm holds letters and digits only
