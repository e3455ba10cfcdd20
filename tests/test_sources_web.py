"""URLs and feeds against a real HTTP server on 127.0.0.1 (bounded; it stops itself)."""

from __future__ import annotations

import contextlib
import resource
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline.config import Options
from storyline.ingest import ingest_sources, iter_articles
from storyline.model import Article
from storyline.sources import Failure, Notice
from storyline.sources import url as url_mod
from storyline.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "hoax_page.html").read_bytes()

Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with routes; at most ``max_requests`` requests and
    ``max_seconds`` of life, after which it shuts itself down."""

    def __init__(self, max_requests: int = 20_000, max_seconds: float = 120) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests += 1
                if server.requests > max_requests:
                    self.send_error(503, "request budget spent")
                    threading.Thread(target=server.httpd.shutdown, daemon=True).start()
                    return
                path = self.path.split("?", 1)[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                status, headers, body = route(self) if route else (404, {}, b"not found")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._timer = threading.Timer(max_seconds, self.httpd.shutdown)
        self._timer.daemon = True

    def route(self, path: str, status: int = 200, body: bytes = b"", **headers: str) -> None:
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
        self.routes[path] = lambda _h: (status, hdrs, body)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


def opts(**kw: object) -> Options:
    base: dict[str, object] = {"allow_private_urls": True, "fetch_timeout": 5.0}
    base.update(kw)
    return Options(**base)  # type: ignore[arg-type]


def run(*specs: str, **kw: object) -> list[tuple[str, object]]:
    return list(iter_articles(list(specs), opts(**kw)))


def only_failure(found: list[tuple[str, object]]) -> str:
    ((_label, item),) = found
    assert isinstance(item, Failure), item
    return item.reason


# --------------------------------------------------------------------------- pages


def test_page_url_is_fetched_and_extracted(server: LocalServer) -> None:
    server.route("/story", body=PAGE, Content_Type="text/html; charset=utf-8")
    ((label, a),) = run(f"{server.base}/story")
    assert isinstance(a, Article)
    assert label == a.source == a.url == f"{server.base}/story"
    assert a.outlet == "The Evening Ledger" and a.fetched_at
    assert a.text.startswith("Macaulay Culkin is not dead.")


def test_http_404_unreachable_and_timeout(server: LocalServer) -> None:
    assert only_failure(run(f"{server.base}/missing")) == "HTTP 404 Not Found"
    closed = LocalServer()
    port = closed.httpd.server_address[1]
    closed.httpd.server_close()  # nothing listens there any more
    assert only_failure(run(f"http://127.0.0.1:{port}/x")).startswith("cannot connect")
    unresolvable = "http://no-such-host.invalid/"
    assert only_failure(run(unresolvable, allow_private_urls=False)).startswith(
        "cannot resolve host no-such-host.invalid"
    )
    assert only_failure(run(unresolvable)).startswith("cannot connect")

    def slow(_h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        time.sleep(2)
        return 200, {"Content-Type": "text/html"}, PAGE

    server.routes["/slow"] = slow
    start = time.perf_counter()
    assert only_failure(run(f"{server.base}/slow", fetch_timeout=0.5)) == "timed out after 0.5s"
    assert time.perf_counter() - start < 1.9


def test_redirects_loop_and_limit(server: LocalServer) -> None:
    server.route("/a", 302, Location="/b")
    server.route("/b", 301, Location=f"{server.base}/a")
    assert only_failure(run(f"{server.base}/a")).startswith("redirect loop: ")
    for n in range(10):
        server.route(f"/hop{n}", 302, Location=f"/hop{n + 1}")
    server.route("/hop10", body=PAGE, Content_Type="text/html")
    reason = only_failure(run(f"{server.base}/hop0", fetch_max_redirects=3))
    assert reason == "too many redirects (more than 3)"
    ((_l, a),) = run(f"{server.base}/hop0", fetch_max_redirects=10)
    assert isinstance(a, Article) and a.url == f"{server.base}/hop10"


def test_size_limit(server: LocalServer) -> None:
    server.route(
        "/big", body=b"<html><body>" + b"<p>words words</p>" * 20_000, Content_Type="text/html"
    )
    assert "over fetch_max_bytes" in only_failure(run(f"{server.base}/big", fetch_max_bytes=50_000))


def test_private_addresses_refused(server: LocalServer) -> None:
    server.route("/story", body=PAGE, Content_Type="text/html")
    for url in (f"{server.base}/story", "http://localhost:9/", "http://10.1.2.3/", "http://[::1]/"):
        reason = only_failure(run(url, allow_private_urls=False))
        assert reason.startswith("refused:") and "non-public address" in reason
    assert server.hits.get("/story") is None
    assert "unsupported URL scheme" in only_failure(run("file:///etc/passwd"))


def test_every_redirect_hop_is_checked(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Treat the loopback test server as public so the first hop passes; the redirect then
    # points at a private address and must be refused before any connection is made.
    real = url_mod._forbidden
    monkeypatch.setattr(url_mod, "_forbidden", lambda ip: str(ip) != "127.0.0.1" and real(ip))
    server.route("/ok", body=PAGE, Content_Type="text/html")
    server.route("/to-private", 302, Location="http://10.255.0.9/admin")
    ((_l, a),) = run(f"{server.base}/ok", allow_private_urls=False)
    assert isinstance(a, Article)
    reason = only_failure(run(f"{server.base}/to-private", allow_private_urls=False))
    assert reason.startswith("refused: 10.255.0.9 resolves to non-public address")


def test_connection_goes_to_the_checked_address(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name that only our resolver knows: if httpx resolved it again the fetch would fail,
    # so success shows the connection used the address that was checked.
    real_forbidden, real_resolve = url_mod._forbidden, url_mod._resolve
    monkeypatch.setattr(
        url_mod, "_forbidden", lambda ip: str(ip) != "127.0.0.1" and real_forbidden(ip)
    )
    monkeypatch.setattr(
        url_mod,
        "_resolve",
        lambda h, p: ["127.0.0.1"] if h == "news.invalid" else real_resolve(h, p),
    )
    seen_hosts: list[str] = []

    def story(h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        seen_hosts.append(h.headers.get("Host", ""))
        return 200, {"Content-Type": "text/html"}, PAGE

    server.routes["/story"] = story
    server.route("/moved", 302, Location="/story")
    port = server.httpd.server_address[1]
    ((_l, a),) = run(f"http://news.invalid:{port}/moved", allow_private_urls=False)
    assert isinstance(a, Article)
    assert a.url == f"http://news.invalid:{port}/story"
    assert seen_hosts == [f"news.invalid:{port}"]


def test_url_list_file(server: LocalServer, tmp_path: Path) -> None:
    server.route("/story", body=PAGE, Content_Type="text/html")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# morning list\n{server.base}/story\n\nftp://nope/\n{server.base}/gone\n")
    found = run(f"@{urls}")
    assert isinstance(found[0][1], Article)
    assert found[1] == (f"{urls}:4", Failure("not an http(s) URL: ftp://nope/"))
    assert found[2] == (f"{server.base}/gone", Failure("HTTP 404 Not Found"))
    assert "cannot read URL list" in only_failure(run(f"@{tmp_path / 'none.txt'}"))


# --------------------------------------------------------------------------- feeds


def _rss(items: str, title: str = "Ledger feed") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>http://ledger.example/</link>{items}</channel></rss>"
    ).encode()


def test_feed_follows_links_falls_back_and_uses_conditional_get(
    server: LocalServer, store_url: str
) -> None:
    server.route("/story", body=PAGE, Content_Type="text/html")
    summary = (
        "&lt;p&gt;The harbour authority said on Monday that the east pier will close for two "
        "weeks of repairs after storm damage.&lt;/p&gt;"
    )
    feed = _rss(
        f"<item><title>Hoax</title><link>{server.base}/story</link>"
        "<pubDate>Fri, 07 Nov 2014 14:30:00 GMT</pubDate></item>"
        f"<item><title>Pier closes</title><link>{server.base}/gone</link>"
        f"<description>{summary}</description>"
        "<pubDate>Mon, 06 Nov 2023 10:00:00 GMT</pubDate></item>"
        f"<item><title>Nothing here</title><link>{server.base}/gone2</link></item>"
    )
    etag = '"v1"'

    def serve_feed(h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        headers = {"ETag": etag, "Last-Modified": formatdate(usegmt=True)}
        if h.headers.get("If-None-Match") == etag:
            return 304, headers, b""
        return 200, {**headers, "Content-Type": "application/rss+xml"}, feed

    server.routes["/feed.xml"] = serve_feed
    with open_store(store_url) as store:
        report = ingest_sources([f"{server.base}/feed.xml"], store, opts())
        assert [o.status.value for o in report.outcomes] == ["stored", "stored", "failed"]
        hoax, pier = store.get_articles(
            [report.outcomes[0].article_id, report.outcomes[1].article_id]
        )
        # Linked page: metadata from the page, date from the feed item.
        assert hoax.outlet == "The Evening Ledger" and hoax.title == "Hoax"
        assert (hoax.published, hoax.date_source) == ("2014-11-07T14:30:00+00:00", "feed")
        # Broken link: the item's summary is the article, and it says so.
        assert pier.text.startswith("The harbour authority said on Monday")
        assert pier.meta["fallback"].startswith("feed item content (HTTP 404")
        assert pier.outlet == "Ledger feed"
        failed = report.failed[0]
        assert failed.source == f"{server.base}/gone2"
        assert "HTTP 404" in failed.reason and "no content to fall back on" in failed.reason
        # An item failed: the ETag is not remembered, so the next run retries it.
        assert store.get_meta(f"feed-etag:{server.base}/feed.xml") is None
        server.route("/gone2", body=PAGE.replace(b"Macaulay", b"Mr"), Content_Type="text/html")
        second = ingest_sources([f"{server.base}/feed.xml"], store, opts())
        assert [o.status.value for o in second.outcomes] == ["duplicate", "duplicate", "stored"]
        assert store.get_meta(f"feed-etag:{server.base}/feed.xml") == etag
        # Third run: conditional GET, 304, nothing fetched or stored again.
        hits = dict(server.hits)
        again = ingest_sources([f"{server.base}/feed.xml"], store, opts())
        assert [(o.status.value, o.reason) for o in again.outcomes] == [
            ("duplicate", "feed not modified since the last fetch")
        ]
        assert server.hits["/story"] == hits["/story"]
        assert server.hits["/feed.xml"] == hits["/feed.xml"] + 1
        assert store.count_articles() == 3


def test_malformed_and_empty_feed(server: LocalServer) -> None:
    server.route(
        "/bad.xml",
        body=b"<rss version='2.0'><channel><<<>>> \x00junk",
        Content_Type="application/rss+xml",
    )
    assert only_failure(run(f"{server.base}/bad.xml")).startswith("malformed feed:")
    server.route("/empty.xml", body=_rss(""), Content_Type="application/rss+xml")
    assert only_failure(run(f"{server.base}/empty.xml")) == "feed has no items"


def test_atom_feed(server: LocalServer) -> None:
    server.route("/story", body=PAGE, Content_Type="text/html")
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Ledger</title><id>urn:x</id>
<updated>2024-01-05T10:00:00Z</updated>
<entry><title>Linked</title><id>urn:1</id><link href="/story"/>
<updated>2024-01-05T10:00:00Z</updated></entry>
<entry><title>Inline only</title><id>urn:2</id><updated>2024-01-04T09:00:00Z</updated>
<content type="html">&lt;p&gt;The ferry service resumed on Thursday after a two-day strike
by crews ended with a pay deal, the operator said.&lt;/p&gt;</content></entry>
</feed>"""
    server.route("/atom.xml", body=atom, Content_Type="application/atom+xml")
    found = run(f"{server.base}/atom.xml")
    linked, inline = (item for _label, item in found)
    assert isinstance(linked, Article) and linked.outlet == "The Evening Ledger"
    assert isinstance(inline, Article) and inline.outlet == "Atom Ledger"
    assert inline.text.startswith("The ferry service resumed on Thursday")
    assert (inline.published, inline.date_source) == ("2024-01-04T09:00:00+00:00", "feed")
    assert inline.meta["fallback"] == "feed item content (item has no link)"


def test_feed_with_10000_items(server: LocalServer) -> None:
    items = "".join(
        f"<item><title>Council meeting {i}</title><guid>urn:meeting:{i}</guid>"
        f"<pubDate>Mon, 06 Nov 2023 10:00:00 GMT</pubDate><description>&lt;p&gt;Council "
        f"meeting number {i} approved spending on roads and schools after a long debate "
        f"on Thursday, officials said.&lt;/p&gt;</description></item>"
        for i in range(10_000)
    )
    server.route("/big.xml", body=_rss(items, "Council"), Content_Type="application/rss+xml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    # Streamed: count the articles as they come, keep none (storing is tested elsewhere;
    # here the question is whether the source itself stays bounded in memory and time).
    stored = failed = 0
    for _label, item in iter_articles([f"{server.base}/big.xml"], opts()):
        stored += isinstance(item, Article)
        failed += isinstance(item, Failure)
    elapsed = time.perf_counter() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (stored, failed) == (10_000, 0)
    assert server.requests == 1  # items without links are never fetched
    assert elapsed < 90, f"{elapsed:.1f}s for 10,000 items"
    assert grown_mb < 300, f"peak memory grew {grown_mb:.0f} MB"


def test_notice_type_is_not_a_failure() -> None:
    assert not isinstance(Notice("x"), Failure)
