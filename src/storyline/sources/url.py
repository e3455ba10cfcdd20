"""Single URLs and ``@file`` URL lists, fetched with httpx under strict limits.

Limits come from :class:`~storyline.config.Options`: a timeout (per operation and for the
whole body), a byte cap (``Content-Length`` checked first, then the streamed body), a cap on
redirect hops (followed by hand so each hop is checked) and, unless ``allow_private_urls``,
a refusal of any host that resolves to a private, loopback, link-local or otherwise non-global
address: every resolved address is checked, on the first request and on each redirect hop.

A URL whose answer is an RSS/Atom feed is handed to :mod:`storyline.sources.feed`.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storyline.extract import (
    ExtractError,
    article_from_html,
    article_from_text,
    decode_bytes,
    looks_like_html,
)
from storyline.sources import Context, Failure, Item, Notice, unexpected

__all__ = ["FetchError", "Fetched", "check_url", "fetch", "iter_url", "iter_url_list"]


class FetchError(RuntimeError):
    """A URL that could not be fetched; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (a seam for tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Private, loopback, link-local, reserved, shared...: anything not globally routable."""
    mapped = getattr(ip, "ipv4_mapped", None)
    return not (mapped or ip).is_global


def check_url(url: str, allow_private: bool) -> str | None:
    """Raise :class:`FetchError` unless ``url`` is http(s) on a public address.

    Returns the checked address to connect to (None when private addresses are allowed), so
    the connection goes where the check looked and a second DNS answer cannot differ.
    """
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {parsed.scheme!r} (only http and https)")
    if not parsed.host:
        raise FetchError("URL has no host")
    if allow_private:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = _resolve(parsed.host, port)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {parsed.host}: {exc}") from None
    if not addresses:
        raise FetchError(f"cannot resolve host {parsed.host}: no address")
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if _forbidden(ip):
            raise FetchError(
                f"refused: {parsed.host} resolves to non-public address {ip} "
                "(allow with --allow-private)"
            )
    return addresses[0]


def _pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL to request, extra headers and httpx extensions for connecting to ``address``.

    The host is replaced by the checked address (DNS rebinding cannot redirect the connection
    after the check); Host and TLS SNI/certificate checks still use the real host name.
    """
    import httpx

    if address is None:
        return url, {}, {}
    parsed = httpx.URL(url)
    host = parsed.host
    if host == address.split("%", 1)[0]:
        return url, {}, {}
    netloc = host if parsed.port is None else f"{host}:{parsed.port}"
    extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
    return str(parsed.copy_with(host=address)), {"Host": netloc}, extensions


def fetch(url: str, ctx: Context, headers: dict[str, str] | None = None) -> Fetched:
    """GET ``url`` within the run's limits; HTTP errors and limits raise :class:`FetchError`."""
    import httpx

    opts = ctx.opts
    client = ctx.http()
    seen = [url]
    deadline = time.monotonic() + opts.fetch_timeout
    current = url
    for _hop in range(opts.fetch_max_redirects + 1):
        address = check_url(current, opts.allow_private_urls)
        target_url, host_header, extensions = _pinned(current, address)
        try:
            with client.stream(
                "GET",
                target_url,
                headers={**(headers or {}), **host_header},
                extensions=extensions,
            ) as resp:
                if resp.status_code == 304:
                    return Fetched(current, 304, b"", headers=_cache_headers(resp))
                if resp.is_redirect:
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {resp.status_code} redirect without a Location")
                    target = str(httpx.URL(current).join(location))
                    if target in seen:
                        raise FetchError(f"redirect loop: {' -> '.join([*seen, target])}")
                    seen.append(target)
                    current = target
                    continue
                if resp.status_code >= 400:
                    raise FetchError(f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
                return _read_body(resp, current, opts.fetch_max_bytes, deadline)
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {opts.fetch_timeout:g}s") from None
        except httpx.ConnectError as exc:
            raise FetchError(f"cannot connect: {_short(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP error: {type(exc).__name__}: {_short(exc)}") from None
    raise FetchError(f"too many redirects (more than {opts.fetch_max_redirects})")


def _read_body(resp: object, url: str, limit: int, deadline: float) -> Fetched:
    declared = resp.headers.get("content-length")  # type: ignore[attr-defined]
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"response is {int(declared)} bytes, over fetch_max_bytes ({limit})")
    buf = bytearray()
    for chunk in resp.iter_bytes():  # type: ignore[attr-defined]
        buf += chunk
        if len(buf) > limit:
            raise FetchError(f"response exceeds fetch_max_bytes ({limit}); stopped reading")
        if time.monotonic() > deadline:
            raise FetchError("body took longer than fetch_timeout; stopped reading")
    return Fetched(
        url=url,
        status=resp.status_code,  # type: ignore[attr-defined]
        content=bytes(buf),
        content_type=resp.headers.get("content-type", ""),  # type: ignore[attr-defined]
        headers=_cache_headers(resp),
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _cache_headers(resp: object) -> dict[str, str]:
    h = resp.headers  # type: ignore[attr-defined]
    return {k: h[k] for k in ("etag", "last-modified") if h.get(k)}


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def is_feed(fetched: Fetched) -> bool:
    ctype = fetched.content_type.lower()
    if "rss" in ctype or "atom" in ctype:
        return True
    head = fetched.content[:2048].lower()
    return (b"xml" in ctype.encode() or head.lstrip().startswith(b"<?xml")) and (
        b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    )


def conditional_headers(url: str, ctx: Context) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the last fetch of a feed remembered."""
    headers = {}
    etag = ctx.get_meta(f"feed-etag:{url}")
    modified = ctx.get_meta(f"feed-modified:{url}")
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    return headers


def article_from_fetched(fetched: Fetched, label: str, defaults: dict | None = None) -> Item:
    """Extract the article of a fetched page (HTML, or plain text)."""
    try:
        text, _enc = decode_bytes(fetched.content)
        ctype = fetched.content_type.lower()
        fields = {"fetched_at": fetched.fetched_at, **(defaults or {})}
        if "html" in ctype or looks_like_html(fetched.content):
            article = article_from_html(text, source=label, url=fetched.url, defaults=fields)
        elif ctype.startswith("text/") or not ctype:
            article = article_from_text(text, source=label, url=fetched.url, defaults=fields)
        else:
            return label, Failure(f"not a text or HTML page (Content-Type {ctype})")
    except ExtractError as exc:
        return label, Failure(str(exc))
    except Exception as exc:  # a library bug on one input must not end the source
        return label, unexpected(exc)
    return label, article


def iter_url(url: str, ctx: Context) -> Iterator[Item]:
    """A page URL yields its article; a feed URL yields the articles of its items."""
    try:
        fetched = fetch(url, ctx, headers=conditional_headers(url, ctx))
    except FetchError as exc:
        yield url, Failure(str(exc))
        return
    if fetched.not_modified:
        yield url, Notice("feed not modified since the last fetch")
        return
    if is_feed(fetched):
        from storyline.sources.feed import iter_feed

        yield from iter_feed(url, fetched, ctx)
        return
    yield article_from_fetched(fetched, url)


def iter_url_list(path: str, ctx: Context) -> Iterator[Item]:
    """``@urls.txt``: one URL per line; blank lines and ``#`` comments are skipped."""
    label = f"@{path}"
    try:
        # URL lists are small: reading them whole keeps the file closed while fetching.
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        yield label, Failure(f"cannot read URL list: {exc.strerror or exc}")
        return
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.lower().startswith(("http://", "https://")):
            yield f"{path}:{lineno}", Failure(f"not an http(s) URL: {line[:100]}")
            continue
        yield from iter_url(line, ctx)
