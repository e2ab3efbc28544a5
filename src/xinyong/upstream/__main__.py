"""`python -m xinyong.upstream`: run the fake upstream from the command line."""

from xinyong.upstream.server import main

raise SystemExit(main())
