"""The fixture server's ceiling: how fast can the lightest client take pages from it?

If Scrapy doing nothing is about as fast as this, the server, not the crawler, sets the pace
of both crawls and the crawl ratio understates ketadir's own cost. A raw asyncio client on
keep-alive connections, in a process of its own: ``python -m bench.load URLS.txt PROXY``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlsplit


async def _worker(queue: asyncio.Queue[str], host: str, port: int, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            target = urlsplit(url).netloc
            writer.write(f"GET {url} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: ketadir-bench/load\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


async def fetch_all(urls: list[str], proxy: str, connections: int) -> int:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    parts = urlsplit(proxy)
    counts = [0]
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    await asyncio.gather(*(_worker(queue, host, port, counts) for _ in range(connections)))
    return counts[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("urls", type=Path)
    parser.add_argument("proxy")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.urls.read_text().splitlines() if line.strip()]
    start = time.perf_counter()
    pages = asyncio.run(fetch_all(urls, args.proxy, args.connections))
    print(json.dumps({"pages": pages, "elapsed": time.perf_counter() - start}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
