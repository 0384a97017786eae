"""CLI commands of the web front ends (serve, card, train), registered on the main app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``card`` and ``train`` to ``app`` (the ``cooprules`` command)."""

    @app.command()
    def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. The default, 127.0.0.1, "
                                       "is this machine only; 0.0.0.0 (every IPv4 interface) or a LAN address makes "
                                       "the server reachable by other machines: its answer pages and API need no "
                                       "sign-in (only the request ledger does) and it has no TLS; put it behind a "
                                       "reverse proxy that provides TLS and access control."),
              port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
              workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
              log_requests: bool = typer.Option(False, "--log-requests",
                                                help="Log every request with its facts (off by default)."),
              no_web: bool = typer.Option(False, "--no-web", help="Serve the HTTP API only."),
              rate_limit: float = typer.Option(50.0, "--rate-limit", min=0, envvar="COOPRULES_RATE_LIMIT",
                                               help="Requests per second per client address (0: no limit; a batch counts 10)."),
              rate_burst: float = typer.Option(100.0, "--rate-burst", min=0, envvar="COOPRULES_RATE_BURST",
                                               help="Requests a client may send at once above the rate."),
              header_timeout: float = typer.Option(10.0, "--header-timeout", min=0.1,
                                                   help="Seconds a client has to send a request's headers."),
              body_timeout: float = typer.Option(30.0, "--body-timeout", min=0.1,
                                                 help="Seconds a client has to send a request's body.")) -> None:
        """Serve the HTTP API (/v1, documentation at /docs and /redoc, offline), the
        guided page, training and pocket cards. Prints its address, the documentation's
        address and the corpus version; warns when bound beyond this machine. No request
        is logged with its facts unless --log-requests."""
        import os

        from .api.server import serve as run_server, startup_lines

        from . import default_engine

        for line, warning in startup_lines(host, port, default_engine().corpus.version, web=not no_web):
            typer.secho(line, err=warning, fg=typer.colors.YELLOW if warning else None)

        os.environ["COOPRULES_LOG_REQUESTS"] = "1" if log_requests else "0"
        os.environ["COOPRULES_WEB"] = "0" if no_web else "1"
        os.environ["COOPRULES_RATE_LIMIT"] = str(rate_limit)
        os.environ["COOPRULES_RATE_BURST"] = str(rate_burst)
        os.environ.setdefault("COOPRULES_SUGGEST_PROCESS", "1")  # "did you mean" off the server's interpreter
        run_server(host, port, workers, log_requests, header_timeout, body_timeout)

    @app.command()
    def card(jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="OCD-ID of the office's government."),
             entity: str = typer.Option(..., "--entity", "-e", help="Kind of office (e.g. school_district)."),
             lang: str = typer.Option("en", "--lang", help="en or es."),
             out: Path = typer.Option(Path("card.pdf"), "--out", "-o", help="Where to write the PDF."),
             date: Optional[str] = typer.Option(None, help="Apply the law of this date (YYYY-MM-DD).")) -> None:
        """Write a one-page pocket card (PDF): the common requests for this office with
        the answer, duties and citations for each."""

        from .cards import render_card
        from .errors import RequestError, iso_day
        from .web.i18n import LANGS

        if lang not in LANGS:
            typer.echo(f"--lang: '{lang}' is not offered; allowed: {', '.join(LANGS)}", err=True)
            raise typer.Exit(2)
        try:
            day = iso_day(date) if date else None
        except ValueError:
            typer.echo(f"--date: '{date}' is not a date; write YYYY-MM-DD", err=True)
            raise typer.Exit(2)
        try:
            pdf = render_card(jurisdiction, entity, lang, as_of=day)
        except RequestError as exc:
            for e in exc.errors:
                typer.echo(f"invalid: {e}", err=True)
            raise typer.Exit(2)
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            typer.echo(f"cannot write {out}: {exc}", err=True)
            raise typer.Exit(2)
        typer.echo(f"wrote {out} ({len(pdf)} bytes)")

    @app.command()
    def train(jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j", help="OCD-ID of the office's government."),
              entity: Optional[str] = typer.Option(None, "--entity", "-e", help="Kind of office."),
              lang: str = typer.Option("en", "--lang", help="en or es."),
              count: int = typer.Option(5, min=1, max=20, help="Number of questions."),
              seed: int = typer.Option(0, help="Which questions (the same seed gives the same quiz).")) -> None:
        """A quiz from the scenario files for your office: read the situation, choose
        the answer (1-5), read why; a score at the end. Without an office, list the
        offices the scenarios cover."""
        from . import default_engine
        from . import training as quizzes
        from .web import labels
        from .web.i18n import LANGS, gettext_for

        if lang not in LANGS:
            typer.echo(f"--lang: '{lang}' is not offered; allowed: {', '.join(LANGS)}", err=True)
            raise typer.Exit(2)
        _ = gettext_for(lang)
        engine = default_engine()
        if not jurisdiction or not entity:
            for j, e, n in quizzes.offices():
                typer.echo(f"{j}  --entity {e}  ({n})")
            return
        questions = quizzes.quiz(jurisdiction, entity, count, seed, engine, lang)
        if not questions:
            typer.echo(_("No tested situations for this office yet."), err=True)
            raise typer.Exit(1)
        right = 0
        for n, q in enumerate(questions, 1):
            typer.echo("")
            typer.echo(_("Question %(n)s of %(total)s") % {"n": n, "total": len(questions)})
            if lang == "en" and q.heading:  # the scenario's name without its answer
                typer.echo(q.heading)
            for head, text in quizzes.situation(q, engine, _, lang):
                typer.echo(f"  {head}: {text}")
            for i, c in enumerate(quizzes.CHOICES, 1):
                typer.echo(f"  {i}. {_(labels.OUTCOMES[c])}")
            pick = 0
            while not 1 <= pick <= len(quizzes.CHOICES):
                pick = typer.prompt(_("What is the answer?") + f" (1-{len(quizzes.CHOICES)})", type=int)
            choice = quizzes.CHOICES[pick - 1]
            if choice == q.answer:
                right += 1
                typer.echo(_("Right."))
            else:
                typer.echo(_("Not quite. You chose: %(choice)s.") % {"choice": _(labels.OUTCOMES[choice])})
            now, *lines = quizzes.explanation(q, lang, _, engine)
            typer.echo(f"  {_(labels.OUTCOMES[q.answer])}: {now}")
            if lang == "en":  # the scenario's full name, answer and all, once the trainee has answered
                typer.echo(f"    {q.case.name}")
            for line in lines:
                typer.echo(f"    {line}")
            for c in q.decision.citations:
                typer.echo(f"    {c.cite}: {c.title}")
        typer.echo("")
        typer.echo(quizzes.score_line(right, len(questions), _))
        sys.stdout.flush()
