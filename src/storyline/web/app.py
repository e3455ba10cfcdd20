"""The FastAPI application: server-rendered pages over the store, and the JSON API they use.

Security model: article text, titles, names and URLs are untrusted. Templates autoescape, the
page script writes data with ``textContent`` only, and a strict Content-Security-Policy allows
only this server's own script and style, so even a missed escape cannot run code. Write
endpoints (ingest) refuse cross-site requests and, when a token is set, need it; a token is
required to bind anything but loopback. URL ingest keeps ingest's refusal of private and
loopback targets unless the server was started with ``allow_private_urls``.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.config import Options, load_options
from storyline.model import to_dict
from storyline.web import views
from storyline.web.cache import PageCache
from storyline.web.graph import source_graph
from storyline.web.jobs import JobManager, new_upload_dir

__all__ = ["WebError", "WebOptions", "create_app", "is_loopback"]

HERE = Path(__file__).parent
TOKEN_COOKIE = "storyline_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class WebError(ValueError):
    """The server cannot start as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_upload_bytes: int = 5_000_000  # per file
    max_upload_files: int = 20
    max_request_bytes: int = 25_000_000  # a whole upload request, all files together
    # After ingest, run the pipeline (read, cluster, verdicts) on what came in.
    analyze: bool = True
    # Keep rendered story pages until the store changes (see web/cache.py).
    page_cache: bool = True
    # Host headers accepted; None = the loopback names when bound to loopback (stops DNS
    # rebinding), anything otherwise (the token guards writes there).
    allowed_hosts: tuple[str, ...] | None = None


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _SecurityMiddleware:
    """Security headers on every response, Host check, and a cap on upload bodies."""

    def __init__(self, app: Any, allowed_hosts: set[str] | None, max_body: int) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None:
            host = _host_of(scope)
            if host not in self.allowed_hosts:
                await _plain(send, 400, f"host {host!r} not served here")
                return
        started = False

        async def send_wrapped(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] == "POST":
            declared = dict(scope.get("headers", [])).get(b"content-length")
            if declared and declared.isdigit() and int(declared) > self.max_body:
                await _plain(send_wrapped, 413, f"request body over {self.max_body} bytes")
                return
            seen = 0

            async def receive_capped() -> Any:
                nonlocal seen
                message = await receive()
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _BodyTooLarge
                return message

            try:
                await self.app(scope, receive_capped, send_wrapped)
            except _BodyTooLarge:
                if not started:
                    await _plain(send_wrapped, 413, f"request body over {self.max_body} bytes")
            return
        await self.app(scope, receive, send_wrapped)


class _BodyTooLarge(Exception):
    pass


def _host_of(scope: Any) -> str:
    raw = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
    if raw.startswith("["):
        return raw.split("]", 1)[0] + "]"
    return raw.rsplit(":", 1)[0] if ":" in raw else raw


async def _plain(send: Any, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"content-security-policy", CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- API models


class CheckRequest(BaseModel):
    claim: str = Field(min_length=3, max_length=2000, description="The claim to check")
    story_id: str | None = Field(None, description="Check against this story's articles only")
    limit: int = Field(500, ge=1, le=5000, description="At most this many (most recent) articles")


class IngestRequest(BaseModel):
    sources: list[str] = Field(
        min_length=1, max_length=100, description="Article URLs or feed URLs (http/https)"
    )


# --------------------------------------------------------------------------- helpers


def _fmt_date(value: str | None) -> str:
    if not value:
        return "—"
    return value[:16].replace("T", " ") if "T" in value else value[:10]


def _label_class(label: str | None) -> str:
    return "v-" + re.sub(r"[^a-z-]", "", (label or "claim").lower())


def _check_date(name: str, value: str) -> str:
    value = value.strip()
    if value and not _DATE.match(value):
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)")
    return value


def create_app(options: Options | None = None, web: WebOptions | None = None) -> FastAPI:
    """The storyline web app over the store named by ``options.db``."""
    options = options or load_options()
    web = web or WebOptions()
    if not is_loopback(web.host) and not web.token:
        raise WebError(
            f"--host {web.host} is not a loopback address: set --token "
            "(or STORYLINE_WEB_TOKEN) so that only you can ingest"
        )
    from storyline.store import open_store

    store = open_store(options.db)
    jobs = JobManager(store, options, analyze=web.analyze)
    pages = PageCache(store, enabled=web.page_cache)
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html", "svg"], default=True),
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _fmt_date
    env.filters["vclass"] = _label_class
    stance_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        jobs.shutdown()
        pages.close()
        store.close()

    app = FastAPI(
        title="storyline",
        description="Stories, claims, verdicts and ingest over the storyline store.",
        version="0.1",
        docs_url=None,  # Swagger UI loads from a CDN; the schema stays at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.jobs = jobs
    app.state.pages = pages
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> Response:
        # Opening the link `storyline serve` prints (?token=...) stores the token in a cookie
        # the browser sends back only to this site, then drops it from the address bar.
        redirect = token_redirect(request)
        if redirect is not None:
            return redirect
        return HTMLResponse(render_html(request, name, **ctx), status_code=status)

    def token_redirect(request: Request) -> Response | None:
        token = request.query_params.get("token")
        if token and web.token and hmac.compare_digest(token.encode(), web.token.encode()):
            response = RedirectResponse(request.url.path, status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
            return response
        return None

    def render_html(request: Request, name: str, **ctx: Any) -> str:
        ctx.setdefault("nav", "")
        return env.get_template(name).render(
            request=request, token_needed=_token_needed(request), **ctx
        )

    def _token_ok(request: Request) -> bool:
        if not web.token:
            return True
        given = request.headers.get("authorization", "")
        given = given[7:] if given.lower().startswith("bearer ") else ""
        given = given or request.cookies.get(TOKEN_COOKIE, "")
        return hmac.compare_digest(given.encode(), web.token.encode())

    def _token_needed(request: Request) -> bool:
        return bool(web.token) and not _token_ok(request)

    def require_write(request: Request) -> None:
        origin = request.headers.get("origin")
        if origin and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
            raise HTTPException(403, f"cross-origin write refused (Origin {origin})")
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise HTTPException(403, "cross-site write refused")
        if not _token_ok(request):
            raise HTTPException(401, "this server needs its token for ingest")

    if web.allowed_hosts is not None:
        hosts: set[str] | None = {h.lower() for h in web.allowed_hosts}
    elif is_loopback(web.host):
        hosts = {"127.0.0.1", "localhost", "[::1]", "::1"}
    else:
        hosts = None
    # Added last so it is outermost: headers land on every response, errors included.
    app.add_middleware(
        _SecurityMiddleware,
        allowed_hosts=hosts,
        max_body=web.max_request_bytes,
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", exc.status_code, message=str(exc.detail))

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_html(
        request: Request,
        q: str = "",
        entity: str = "",
        outlet: str = "",
        since: str = "",
        until: str = "",
        page: int = Query(1, ge=1),
    ) -> Response:
        redirect = token_redirect(request)
        if redirect is not None:
            return redirect
        return HTMLResponse(
            pages.get(
                ("stories", str(request.url.query)),
                lambda: _stories_html(request, q, entity, outlet, since, until, page),
            )
        )

    def _stories_html(
        request: Request, q: str, entity: str, outlet: str, since: str, until: str, page: int
    ) -> str:
        page_data = _stories(q, entity, outlet, since, until, page, 50)
        params = {
            k: v
            for k, v in (
                ("q", q),
                ("entity", entity),
                ("outlet", outlet),
                ("since", since),
                ("until", until),
            )
            if v
        }
        return render_html(
            request,
            "stories.html",
            nav="stories",
            p=page_data,
            prev_url="/?" + urlencode({**params, "page": page - 1}) if page > 1 else None,
            next_url="/?" + urlencode({**params, "page": page + 1})
            if page < page_data.pages
            else None,
            articles_total=store.count_articles() if not page_data.total else None,
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_html(request: Request, story_id: str) -> Response:
        redirect = token_redirect(request)
        if redirect is not None:
            return redirect

        def build() -> str | None:
            view = views.story_view(store, story_id)
            if view is None:
                return None
            graph = source_graph(view.articles)
            return render_html(request, "story.html", nav="stories", v=view, graph=graph)

        html = pages.get(("story", story_id), build)
        if html is None:
            raise HTTPException(404, f"no story {story_id}")
        return HTMLResponse(html)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_html(
        request: Request, q: str = "", outlet: str = "", page: int = Query(1, ge=1)
    ) -> Response:
        per = 50
        items = store.list_articles(
            query=q or None, outlet=outlet or None, limit=per + 1, offset=(page - 1) * per
        )
        params = {k: v for k, v in (("q", q), ("outlet", outlet)) if v}
        return render(
            request,
            "articles.html",
            nav="articles",
            items=[(a, store.story_of(a.id)) for a in items[:per]],
            q=q,
            outlet=outlet,
            prev_url="/articles?" + urlencode({**params, "page": page - 1}) if page > 1 else None,
            next_url="/articles?" + urlencode({**params, "page": page + 1})
            if len(items) > per
            else None,
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_html(request: Request, article_id: str) -> Response:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        story_id = store.story_of(article.id)
        labels = {}
        if story_id:
            labels = views.claim_labels(store.get_verdicts(story_id))
        view = views.article_view(article, store.get_reading(article.id), labels)
        return render(request, "article.html", nav="articles", a=view, story_id=story_id)

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_html(request: Request, story: str = "") -> Response:
        s = store.get_story(story) if story else None
        recent = [r for r, _ in store.search_stories(limit=30)[0] if s is None or r.id != s.id]
        return render(request, "check.html", nav="check", story=s, stories=recent)

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_html(request: Request) -> Response:
        return render(
            request,
            "ingest.html",
            nav="ingest",
            max_mb=round(web.max_upload_bytes / 1_000_000, 1),
            max_files=web.max_upload_files,
            allow_private=options.allow_private_urls,
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_html(request: Request) -> Response:
        schema = app.openapi()
        routes = [
            (method.upper(), path, op.get("summary", ""), op.get("description", ""))
            for path, ops in schema.get("paths", {}).items()
            for method, op in ops.items()
        ]
        return render(request, "api.html", nav="api", routes=routes)

    # ------------------------------------------------------------------ API

    def _stories(
        q: str, entity: str, outlet: str, since: str, until: str, page: int, per_page: int
    ) -> views.StoriesPage:
        return views.stories_page(
            store,
            query=q,
            entity=entity,
            outlet=outlet,
            since=_check_date("since", since),
            until=_check_date("until", until),
            page=page,
            per_page=per_page,
        )

    @app.get("/api/stories", summary="List stories")
    def api_stories(
        q: str = Query("", description="Text in the title or story data"),
        entity: str = Query("", description="An actor's name or alias"),
        outlet: str = Query("", description="Stories carried by this outlet"),
        since: str = Query("", description="Last article on or after (YYYY-MM-DD)"),
        until: str = Query("", description="First article on or before (YYYY-MM-DD)"),
        page: int = Query(1, ge=1),
        per_page: int = Query(50, ge=1, le=200),
    ) -> dict[str, Any]:
        """Largest and most recent stories first, with verdict counts."""
        return _stories(q, entity, outlet, since, until, page, per_page).to_api()

    @app.get("/api/stories/{story_id}", summary="One story")
    def api_story(story_id: str) -> dict[str, Any]:
        """Story, articles, verdicts, claims (with verdict colour) and claim-to-sentence links."""

        def build() -> dict[str, Any] | None:
            view = views.story_view(store, story_id)
            return views.story_payload(view) if view is not None else None

        data = pages.get(("api-story", story_id), build)
        if data is None:
            raise HTTPException(404, f"no story {story_id}")
        return data

    @app.get("/api/stories/{story_id}/dossier", summary="Dossier of a story")
    def api_dossier(
        story_id: str,
        format: str = Query("json", pattern="^(json|markdown|html)$"),  # noqa: A002
    ) -> Response:
        """The dossier as JSON, Markdown or a standalone HTML file (a download)."""
        from storyline.dossier import DossierError, build_dossier

        try:
            dossier = build_dossier(store, story_id)
        except DossierError as exc:
            raise HTTPException(404, str(exc)) from None
        name = f"dossier-{dossier.story_id}"
        if format == "markdown":
            from storyline.report.markdown import render_markdown

            return Response(
                render_markdown(dossier),
                media_type="text/markdown; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="{name}.md"'},
            )
        if format == "html":
            from storyline.report.html import render_html

            # A download, never shown inside this site (its inline style would need a laxer CSP).
            return Response(
                render_html(dossier),
                media_type="text/html; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="{name}.html"'},
            )
        return JSONResponse(to_dict(dossier))

    @app.get("/api/stories/{story_id}/graph", summary="Source graph of a story")
    def api_graph(story_id: str) -> dict[str, Any]:
        """Outlet -> cited origin -> speaker, with how many claims each edge carries."""
        view = views.story_view(store, story_id)
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        return source_graph(view.articles).to_api()

    @app.get("/api/articles", summary="List articles")
    def api_articles(
        q: str = "",
        outlet: str = "",
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> list[dict[str, Any]]:
        """Newest ingested first, without their text."""
        items = store.list_articles(
            query=q or None, outlet=outlet or None, limit=limit, offset=offset
        )
        return [
            {
                "id": a.id,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published,
                "url": a.url,
                "language": a.language,
                "story_id": store.story_of(a.id),
            }
            for a in items
        ]

    @app.get("/api/articles/{article_id}", summary="One article")
    def api_article(article_id: str) -> dict[str, Any]:
        """The article with its reading (sentences, mentions, claims) when it has one."""
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        reading = store.get_reading(article.id)
        return {
            "article": to_dict(article),
            "reading": to_dict(reading) if reading else None,
            "story_id": store.story_of(article.id),
        }

    @app.post("/api/check", summary="Check a claim")
    def api_check(body: CheckRequest) -> dict[str, Any]:
        """Stance of stored articles toward a claim, grouped, with a verdict (`storyline check`).

        Against one story's articles with ``story_id``, else the ``limit`` most recent.
        """
        try:
            from storyline.check import check_articles, check_payload
            from storyline.stance import StanceError, claim_problem, load_stance_model
        except ImportError as exc:
            raise HTTPException(501, f"the stance stage is not installed: {exc}") from None
        problem = claim_problem(body.claim)
        if problem:
            raise HTTPException(400, f"claim: {problem}")
        if body.story_id:
            story = store.get_story(body.story_id)
            if story is None:
                raise HTTPException(404, f"no story {body.story_id}")
            articles = store.get_articles(story.article_ids[: body.limit])
        else:
            articles = store.list_articles(limit=body.limit)
        if not articles:
            raise HTTPException(400, "the store has no articles to check against")
        try:
            with stance_lock:
                model = load_stance_model(options=options)
        except (StanceError, OSError) as exc:
            raise HTTPException(503, f"stance model unavailable: {exc}") from None
        try:
            with stance_lock:
                report = check_articles(body.claim, articles, model, store=store, options=options)
        except StanceError as exc:
            raise HTTPException(400, f"claim: {exc}") from None
        return check_payload(report)

    @app.post("/api/ingest", summary="Ingest URLs", status_code=202)
    def api_ingest(body: IngestRequest, _: None = Depends(require_write)) -> dict[str, Any]:
        """Start ingesting article or feed URLs; poll /api/ingest/{job_id} for progress."""
        bad = [s for s in body.sources if not s.strip().lower().startswith(("http://", "https://"))]
        if bad:
            raise HTTPException(400, f"{bad[0]}: only http(s) URLs can be ingested from the web")
        return jobs.submit([s.strip() for s in body.sources]).to_api()

    @app.post("/api/ingest/upload", summary="Ingest uploaded files", status_code=202)
    async def api_upload(request: Request, _: None = Depends(require_write)) -> dict[str, Any]:
        """Multipart ``files``: text, HTML, JSONL or WARC files, each at most the size limit."""
        form = await request.form(max_files=web.max_upload_files, max_fields=20)
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        if not files:
            raise HTTPException(400, "no files in the upload (field name: files)")
        tmp = new_upload_dir()
        inputs: list[str] = []
        display: dict[str, str] = {}
        refused: list[str] = []
        for i, f in enumerate(files):
            name = Path(f.filename or f"upload-{i}").name or f"upload-{i}"
            size = f.size or 0
            if size > web.max_upload_bytes:
                refused.append(f"{name}: {size} bytes is over the {web.max_upload_bytes} limit")
                continue
            safe = _SAFE_NAME.sub("_", name)[-120:] or f"upload-{i}"
            target = tmp / f"{i:03d}-{safe}"
            target.write_bytes(await f.read())
            inputs.append(str(target))
            display[str(target)] = name
        await form.close()
        if not inputs:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise HTTPException(413, "; ".join(refused))
        job = jobs.submit(inputs, display, tmpdir=str(tmp))
        data = job.to_api()
        data["refused"] = refused
        return data

    @app.get("/api/ingest/{job_id}", summary="Ingest progress")
    def api_job(job_id: str) -> dict[str, Any]:
        """State (queued, running, analysing, done, failed) and each input's outcome so far."""
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no ingest job {job_id}")
        return job.to_api()

    @app.get("/api/health", summary="Health")
    def api_health() -> dict[str, Any]:
        return {"ok": True, "articles": store.count_articles(), "stories": store.count_stories()}

    return app
