"""crawler.fixture_server for benchmarks, with the two costs that would make it the bottleneck removed.

Measured on this machine (see RESULTS.md), the project's server as it is:
- looks a site up by listing the web root on every request (`_folder_named` calls is_dir()
  on every folder), so with 1,000 sites each request stats 1,000 folders, and with 32
  keep-alive connections its threads convoy on the GIL;
- writes headers and body in two sends without TCP_NODELAY, so each response waits for the
  client's delayed ACK (about 40 ms on one connection).
Here the folder map is read once (the benchmark never switches site versions) and Nagle is
off; everything else is FixtureServer unchanged. ``python -m bench.server ROOT`` prints
``http_proxy=URL`` like ``python -m crawler.fixture_server``; ``--unpatched`` serves with the
project's server as it is, to measure the difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crawler import fixture_server
from crawler.fixture_server import FixtureServer


class BenchFixtureServer(FixtureServer):
    """Site folders looked up in a dict built at start instead of a directory listing per request."""

    def __init__(self, root: Path, port: int = 0) -> None:
        super().__init__(root, port)
        self._by_name = {
            p.name.lower(): p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
        }

    def _folder_named(self, name: str) -> Path | None:
        return self._by_name.get(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--unpatched", action="store_true", help="the project's FixtureServer exactly as it is")
    args = parser.parse_args(argv)
    server_class = FixtureServer if args.unpatched else BenchFixtureServer
    if not args.unpatched:
        fixture_server._Handler.disable_nagle_algorithm = True  # this process only
    with server_class(args.root) as server:
        print(f"http_proxy={server.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
