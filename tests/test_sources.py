"""Local sources: files, folders, globs, manifests, JSONL and WARC, good and bad."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from storyline.config import Options
from storyline.ingest import iter_articles
from storyline.model import Article
from storyline.sources import Failure

FIXTURES = Path(__file__).parent / "fixtures"
PROSE = (
    "The regional council approved the new budget on Thursday after a long debate. "
    "Members said the plan would fund two schools and repair the main road."
)


def items(*specs: str, **opts: object) -> list[tuple[str, object]]:
    return list(iter_articles(list(specs), Options(**opts)))  # type: ignore[arg-type]


def articles(found: list[tuple[str, object]]) -> list[Article]:
    return [i for _, i in found if isinstance(i, Article)]


def failures(found: list[tuple[str, object]]) -> dict[str, str]:
    return {label: i.reason for label, i in found if isinstance(i, Failure)}


# --------------------------------------------------------------------------- files


def test_example_folder_uses_its_manifest() -> None:
    found = articles(items(str(EXAMPLES)))
    by_outlet = {a.outlet: a for a in found}
    assert set(by_outlet) == {"Politics Today", "Bharat Express"}
    pt = by_outlet["Politics Today"]
    assert (pt.published, pt.date_source) == ("2023-11-03", "manifest")
    assert by_outlet["Bharat Express"].published is None
    assert not by_outlet["Bharat Express"].text.startswith("Bharat Express")
    assert all(a.language == "en" for a in found)


def test_explicit_manifest_and_single_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PROSE)
    manifest = tmp_path / "meta.csv"
    manifest.write_text(
        "path,outlet,published,url,title\na.txt,The Ledger,2024-02-03,https://ledger.example/a,"
        "Budget passes\n"
    )
    found = list(iter_articles([str(tmp_path / "a.txt")], Options(), manifest=str(manifest)))
    (a,) = articles(found)
    assert (a.outlet, a.published, a.url, a.title) == (
        "The Ledger",
        "2024-02-03",
        "https://ledger.example/a",
        "Budget passes",
    )


def test_folder_recursive_and_glob(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "one.txt").write_text(PROSE)
    (tmp_path / "sub" / "two.md").write_text(PROSE.replace("Thursday", "Friday"))
    shutil.copy(FIXTURES / "hoax_page.html", tmp_path / "sub" / "deeper" / "page.html")
    (tmp_path / "sub" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # skipped in folders
    (tmp_path / ".hidden.txt").write_text(PROSE.replace("Thursday", "Sunday"))
    found = items(str(tmp_path))
    assert failures(found) == {}
    assert len(articles(found)) == 3
    globbed = items(str(tmp_path / "**" / "*.html"))
    assert [a.outlet for a in articles(globbed)] == ["The Evening Ledger"]
    assert (
        "matched no files"
        in failures(items(str(tmp_path / "*.nothing")))[str(tmp_path / "*.nothing")]
    )


def test_bad_files_each_get_one_line_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "latin1.txt").write_bytes(("Señor Núñez said " + PROSE).encode("latin-1"))
    (tmp_path / "mixed.txt").write_bytes("Zoë said “no”. ".encode() + PROSE.encode("cp1252"))
    (tmp_path / "truncated.html").write_text((FIXTURES / "hoax_page.html").read_text()[:2500])
    specs = [str(tmp_path / n) for n in ("empty.txt", "binary.bin", "latin1.txt", "mixed.txt")]
    specs += [str(tmp_path / "truncated.html"), str(tmp_path / "missing.txt")]
    found = items(*specs)
    bad = failures(found)
    assert bad[str(tmp_path / "empty.txt")] == "empty file"
    assert "binary file" in bad[str(tmp_path / "binary.bin")]
    assert bad[str(tmp_path / "missing.txt")] == "no such file or folder"
    good = {a.source: a for a in articles(found)}
    assert good[str(tmp_path / "latin1.txt")].text.startswith("Señor Núñez said")
    assert good[str(tmp_path / "latin1.txt")].meta["encoding"] == "utf-8+cp1252"
    assert good[str(tmp_path / "mixed.txt")].text.startswith("Zoë said “no”.")
    assert good[str(tmp_path / "truncated.html")].text.startswith("Macaulay Culkin is not dead")
    assert all("\n" not in reason for reason in bad.values())


def test_huge_html_refused_before_reading(tmp_path: Path) -> None:
    import time

    page = tmp_path / "huge.html"
    chunk = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + b"</p>\n"
    with page.open("wb") as fh:
        fh.write(b"<html><body>")
        while fh.tell() < 50_000_000:
            fh.write(chunk)
        fh.write(b"</body></html>")
    start = time.perf_counter()
    found = items(str(page))
    assert time.perf_counter() - start < 2.0
    assert "over max_html_bytes (20.0 MB)" in failures(found)[str(page)]
    assert "50.0 MB" in failures(found)[str(page)]


def test_broken_folder_manifest_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PROSE)
    (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,X\n")
    assert "no 'path' column" in failures(items(str(tmp_path)))[str(tmp_path / "a.txt")]


# --------------------------------------------------------------------------- JSONL


def test_jsonl_lines_good_and_bad(tmp_path: Path) -> None:
    html = (FIXTURES / "hoax_page.html").read_text()
    lines = [
        json.dumps({"text": PROSE, "outlet": "Wire", "published": "2024-05-01", "language": "en"}),
        "this line is not json",
        json.dumps({"html": html, "url": "https://ledger.example/hoax"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"text": PROSE.replace("Thursday", "Monday"), "author": "J. Doe"}),
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n")
    found = items(str(path))
    bad = failures(found)
    assert set(bad) == {f"{path}:2", f"{path}:4", f"{path}:5"}
    assert bad[f"{path}:2"].startswith("not JSON")
    assert "text" in bad[f"{path}:5"] and "html" in bad[f"{path}:5"]
    good = articles(found)
    assert [a.source for a in good] == [f"{path}:1", f"{path}:3", f"{path}:7"]
    assert (good[0].outlet, good[0].published, good[0].date_source) == (
        "Wire",
        "2024-05-01",
        "metadata",
    )
    assert good[1].url == "https://ledger.example/hoax"
    assert good[1].outlet == "The Evening Ledger"
    assert good[2].author == "J. Doe"


# --------------------------------------------------------------------------- WARC


def _warc(path: Path, pages: list[tuple[str, bytes]], gz: bool) -> list[int]:
    """Write response records; return each record's start offset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            offsets.append(fh.tell())
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
    return offsets


def _page(n: int) -> bytes:
    body = PROSE.replace("Thursday", f"day {n}")
    return (
        f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
        f"<p>{body}</p><p>{body} It was the {n}th meeting of the year.</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_with_corrupt_record_continues(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    pages = [(f"https://news.example/{n}", _page(n)) for n in range(4)]
    offsets = _warc(path, pages, gz)
    data = bytearray(path.read_bytes())
    bad = offsets[1]
    if gz:
        # Garble the compressed body of the second gzip member.
        for i in range(bad + 40, bad + 80):
            data[i] ^= 0x5A
    else:
        data[bad : bad + 8] = b"GARBAGE!"
    path.write_bytes(bytes(data))
    found = items(str(path))
    good = articles(found)
    assert [a.url for a in good] == [pages[n][0] for n in (0, 2, 3)]
    assert [a.title for a in good] == ["Story 0", "Story 2", "Story 3"]
    bad_items = failures(found)
    assert len(bad_items) == 1
    ((label, reason),) = bad_items.items()
    assert label.startswith(str(path)) and "corrupt WARC record" in reason


def test_warc_good_file_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "ok.warc.gz"
    _warc(path, [(f"https://news.example/{n}", _page(n)) for n in range(3)], gz=True)
    assert len(articles(items(str(path)))) == 3
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert failures(items(str(empty))) == {str(empty): "empty file"}
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"not a warc at all\n" * 10))
    reasons = failures(items(str(junk)))
    assert any("corrupt WARC record" in r for r in reasons.values())


def test_parallel_folder_extraction_matches_serial(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for i in range(40):
        target = tmp_path / ("sub" if i % 3 else ".") / f"{i:03d}.txt"
        target.write_text(f"{PROSE} Item {i} was number {i} on the agenda.")
    (tmp_path / "007.txt").write_bytes(b"")  # a failure keeps its place in the order
    (tmp_path / "manifest.csv").write_text("path,outlet\n003.txt,The Ledger\n")
    (tmp_path / "sub" / "dump.jsonl").write_text(json.dumps({"text": PROSE + " From JSONL."}))
    serial = list(iter_articles([str(tmp_path)], Options(), workers=1))
    parallel = list(iter_articles([str(tmp_path)], Options(), workers=2))
    assert parallel == serial
    assert len(articles(parallel)) == 41 and len(failures(parallel)) == 1  # 40 files + JSONL
    assert {a.outlet for a in articles(parallel)} == {"The Ledger", None}


def test_library_bug_on_one_input_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.sources import jsonl

    real = jsonl.article_from_text

    def flaky(text: str, **kw: object) -> Article:
        if "line two" in text:
            raise KeyError("boom")
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(jsonl, "article_from_text", flaky)
    path = tmp_path / "d.jsonl"
    path.write_text(
        "\n".join(json.dumps({"text": f"{PROSE} This is line {n}."}) for n in ("one", "two", "six"))
    )
    found = items(str(path))
    assert failures(found) == {f"{path}:2": "unexpected error: KeyError: 'boom'"}
    assert len(articles(found)) == 2
