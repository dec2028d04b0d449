"""`python -m tests.mockserver ROOT` (from the repository root): serve a fault web by hand."""

from crawler.demo.server import main
from tests.mockserver import FixtureServer

raise SystemExit(main(server_class=FixtureServer))
