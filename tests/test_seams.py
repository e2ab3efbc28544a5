"""A domain asks its seam for facts; providers plug in by key and a test can borrow a key."""

from xinyong.seams import Seam


def test_providers_answer_in_registration_order_and_a_key_is_replaced_not_doubled():
    seam: Seam = Seam("facts")
    seam.register("lists", lambda: "black list")
    seam.register("rating", lambda: "AA")
    seam.register("lists", lambda: "red list")
    assert [p() for p in seam] == ["red list", "AA"]
    assert [k for k, _ in seam.items()] == ["lists", "rating"]


def test_a_borrowed_key_is_given_back_as_it_was():
    seam: Seam = Seam("facts")
    seam.register("rating", lambda: "AA")
    with seam.plugged("rating", lambda: "C"):
        assert [p() for p in seam] == ["C"]
    assert [p() for p in seam] == ["AA"]
    with seam.plugged("stars", lambda: 5):
        assert len(list(seam)) == 2
    assert [k for k, _ in seam.items()] == ["rating"]


def test_an_isolated_block_sees_no_provider_and_gets_them_all_back():
    seam: Seam = Seam("facts")
    seam.register("rating", lambda: "AA")
    with seam.isolated():
        assert list(seam) == []
        seam.register("stars", lambda: 5)
    assert [k for k, _ in seam.items()] == ["rating"]
