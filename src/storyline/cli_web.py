"""``storyline serve``: the web UI and JSON API over the store."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from storyline.cli import DbOption, app, console, fail, options

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind; anything but loopback needs --token")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    db: DbOption = None,
    token: Annotated[
        str | None,
        typer.Option(help="Token needed to add articles [env: STORYLINE_WEB_TOKEN]"),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Let URL ingest fetch private or loopback addresses")
    ] = False,
    max_upload_mb: Annotated[float, typer.Option(help="Largest upload per file, in MB")] = 5.0,
    analyze: Annotated[
        bool, typer.Option(help="Run the whole pipeline on articles added from the browser")
    ] = True,
    page_cache: Annotated[
        bool, typer.Option(help="Keep rendered pages until the store changes (SQLite)")
    ] = True,
) -> None:
    """Serve the web UI: stories, side-by-side articles, source graph, claim check, ingest."""
    from storyline.web.app import WebError, WebOptions, create_app

    if not 1 <= port <= 65535:
        fail(f"--port {port}: not a TCP port (1-65535)")
    token = token or os.environ.get("STORYLINE_WEB_TOKEN") or None
    opts = options(db=db, allow_private_urls=allow_private or None)
    web = WebOptions(
        host=host,
        port=port,
        token=token,
        max_upload_bytes=int(max_upload_mb * 1_000_000),
        analyze=analyze,
        page_cache=page_cache,
    )
    try:
        application = create_app(opts, web)
    except WebError as exc:
        fail(str(exc))
        return
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    console.print(f"storyline: serving {opts.db} at {url}", highlight=False)
    if token:
        console.print(f"open {url}?token=… (the token you set) once to allow adding articles")
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
