"""Source tests start the fake upstream as a real process."""

from tests.support.upstream_process import fake_upstream  # noqa: F401
