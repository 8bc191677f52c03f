"""`vlpipe`: run the nightly flow once, serve it on its schedule, show the status, write the
Excel templates. (Sample data: ``python -m synth``, a tool of the checkout, not of the
wheel.)"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flows.config import Paths, configure_prefect_environment
from flows.settings import Settings

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """In a child, before exec: the kernel sends it SIGTERM when its parent dies, even by
    SIGKILL (Linux; elsewhere nothing happens)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def temporary_server(scheduler: bool = False) -> Iterator[str | None]:
    """The run's Prefect API server, which dies with this process; yields its API URL.

    Prefect starts its ephemeral server (``SubprocessASGIServer``) as a child that only an
    ``atexit`` hook stops: a run killed by SIGTERM or SIGKILL left it running for good. This
    one is the same server, started from this (main) thread with a parent-death signal, and
    used through ``PREFECT_API_URL`` for the run. A configured API (a real server) is used
    as it is (None is yielded).

    ``scheduler``: a real server instead of an ephemeral one — every background service on,
    the scheduler among them (an ephemeral server runs none of them, so it never schedules a
    run), its state in PREFECT_HOME's database — for `vlpipe serve`.
    """
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield None
        return

    class Server(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            popen: Any = subprocess.Popen

            def guarded(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
                if scheduler:  # what makes the server ephemeral is this one variable
                    kwargs["env"] = {
                        k: v for k, v in kwargs["env"].items() if k != "PREFECT__SERVER_EPHEMERAL"
                    }
                return popen(*args, preexec_fn=_die_with_parent, **kwargs)

            subprocess.Popen = guarded  # type: ignore[misc,assignment]  # this one call, thread
            try:
                return super()._run_uvicorn_command()
            finally:
                subprocess.Popen = popen  # type: ignore[misc]

    server = Server()
    try:
        server.start()
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
            _drain_prefect_workers()
    finally:
        server.stop()


def _drain_prefect_workers() -> None:
    """Send the logs and events still queued while the server is up: otherwise Prefect sends
    them at exit, to a server already gone ("Error logging to API" after the summary)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)


def _prefect_api() -> str | None:
    """The Prefect server the environment or profile names (PREFECT_API_URL), if any."""
    configure_prefect_environment()
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def _preflight(args: argparse.Namespace) -> str | None:
    """Why the night cannot start (one line, VI + EN), before any server or file is made."""
    from flows.preflight import PreflightError, check_raw_dir, check_warehouse

    paths = Paths.of(args.raw_dir, args.warehouse_dir)
    try:
        check_raw_dir(paths)
        check_warehouse(paths)
    except PreflightError as exc:
        return str(exc)
    if Settings.from_env().scale_out and not _prefect_api():
        return (
            "Chế độ mở rộng cần máy chủ Prefect: đặt PREFECT_API_URL / The scale-out mode "
            "(VLPIPE_LAKE_CATALOG) needs a Prefect server and its workers: set PREFECT_API_URL "
            '(README "Scaling out")'
        )
    return None


def _run(args: argparse.Namespace) -> int:
    problem = _preflight(args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    configure_prefect_environment()
    from flows import summary
    from flows.lock import RunLocked
    from flows.nightly import nightly
    from flows.preflight import PreflightError, storage_message
    from flows.run_record import RunResult

    started = time.monotonic()
    try:
        with temporary_server():
            state = nightly(
                raw_dir=args.raw_dir,
                warehouse_dir=args.warehouse_dir,
                plan_id=args.plan,
                as_of=args.as_of,
                rebuild=args.rebuild,
                night=args.night,
                return_state=True,
            )
            result = state.result(raise_on_failure=False)
    except RunLocked as exc:
        print(exc, file=sys.stderr)
        return 3
    if isinstance(result, RunLocked):  # Prefect hands the flow's exception back in the state
        print(result, file=sys.stderr)
        return 3
    if isinstance(result, BaseException):  # read-only or full warehouse: one line, no trace
        one_line = (
            str(result)
            if isinstance(result, PreflightError)
            else storage_message(result, Paths.of(args.raw_dir, args.warehouse_dir).warehouse_dir)
        )
        if one_line:
            print(one_line, file=sys.stderr)
            return 2
    if isinstance(result, BaseException):
        print(
            f"Run failed, nothing new was published / Lần chạy thất bại: {result}", file=sys.stderr
        )
        return 1
    assert isinstance(result, RunResult), result
    print(summary.render_text(result))
    print(f"\nDone in {time.monotonic() - started:.1f} s.")
    return exit_code(state, result)


EXIT_CONFIG_ERRORS = 4


def exit_code(state: Any, result: Any) -> int:
    """`vlpipe run`'s code for a flow run that ended: 0 completed, 1 failed (nothing new
    published), 4 published but a whole source not loaded for a configuration reason (no
    personal-data key, …): not a success until fixed."""
    from flows.nightly import CONFIG_ERRORS

    if getattr(result, "status", None) == CONFIG_ERRORS:
        return EXIT_CONFIG_ERRORS
    return 1 if state.is_failed() else 0


def _serve(args: argparse.Namespace) -> int:
    """Serve `nightly` on its schedule, against PREFECT_API_URL or a Prefect server of its
    own (state in PREFECT_HOME), until stopped (SIGTERM, Ctrl+C)."""
    problem = _preflight(args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    configure_prefect_environment()
    from prefect.schedules import Cron

    from flows.nightly import nightly
    from schemas.messages import run_message

    with contextlib.ExitStack() as stack:
        try:
            api_url = stack.enter_context(temporary_server(scheduler=True))
        except Exception as exc:  # no free port, a broken PREFECT_HOME database, a timeout…
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(run_message("server_not_started", detail), file=sys.stderr)
            return 2
        if api_url:
            print(
                f"Prefect server / Máy chủ Prefect: {api_url} "
                f"(PREFECT_HOME={os.environ['PREFECT_HOME']})",
                flush=True,
            )
        nightly.serve(
            name="nightly",
            schedules=[Cron(args.cron, timezone=args.timezone)],
            parameters={
                "raw_dir": str(Path(args.raw_dir).resolve()),
                "warehouse_dir": str(Path(args.warehouse_dir).resolve()),
                "plan_id": args.plan,
            },
        )
    return 0


def _templates(args: argparse.Namespace) -> int:
    from flows.templates import TemplateError, write_templates

    try:
        paths = write_templates(args.out, args.raw_dir)
    except TemplateError as exc:
        print(f"Không tạo được mẫu / no templates written: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    print(f"wrote {len(paths)} templates to {args.out}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from flows.status import render_status

    print(render_status(args.warehouse_dir, args.plan, args.area))
    return 0


def _month(text: str) -> str:
    from flows.months import month_end
    from schemas.messages import run_message

    try:
        month_end(text)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(run_message("bad_month", repr(text))) from None
    return text


def _cron(text: str) -> str:
    configure_prefect_environment()  # before prefect is first imported: its settings
    from prefect.schedules import Cron

    from schemas.messages import run_message

    try:
        Cron(text)
    except (ValueError, TypeError, KeyError):
        raise argparse.ArgumentTypeError(run_message("bad_cron", repr(text))) from None
    return text


def _timezone(text: str) -> str:
    import zoneinfo

    from schemas.messages import run_message

    try:
        zoneinfo.ZoneInfo(text)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise argparse.ArgumentTypeError(run_message("bad_timezone", repr(text))) from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vlpipe", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("run", "run the nightly flow once"),
        (
            "serve",
            "serve the nightly flow on a schedule (every night at 01:00, Vietnam time); stays up",
        ),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument(
            "--raw-dir",
            default="raw",
            help="folder of the files received, one subfolder per source (default raw)",
        )
        p.add_argument(
            "--warehouse-dir",
            default="warehouse",
            help="folder of the warehouse and its publication (default warehouse)",
        )
        p.add_argument(
            "--plan",
            default="VL-2022",
            help="plan id whose scorecard the summary shows (default VL-2022)",
        )
        if name == "run":
            p.add_argument(
                "--as-of",
                metavar="YYYY-MM",
                type=_month,
                default=None,
                help="compute the scorecard with data up to the end of this month",
            )
            p.add_argument(
                "--rebuild", action="store_true", help="build and publish even when nothing is new"
            )
            p.add_argument(
                "--night",
                default=None,
                help="scale-out mode: the night's name in the area runs' idempotency keys "
                "(default: today's date); a new name runs every area again",
            )
        else:
            p.add_argument(
                "--cron",
                default="0 1 * * *",
                type=_cron,
                help="when to run, a cron expression (default '0 1 * * *': every night at 01:00)",
            )
            p.add_argument(
                "--timezone",
                default="Asia/Ho_Chi_Minh",
                type=_timezone,
                help="time zone of --cron (default Asia/Ho_Chi_Minh)",
            )
    tpl = sub.add_parser("templates", help="write the Excel templates (mẫu) senders fill in")
    tpl.add_argument("--out", required=True, help="folder to write the workbooks to")
    tpl.add_argument(
        "--raw-dir",
        default="raw",
        help="folder whose reference/ files give the dropdown lists (default raw)",
    )
    status = sub.add_parser("status", help="last run, scorecard and follow-ups (runs nothing)")
    status.add_argument(
        "--warehouse-dir",
        default="warehouse",
        help="folder of the warehouse to describe (default warehouse)",
    )
    status.add_argument("--plan", default=None, help="plan id (default: the first plan)")
    status.add_argument(
        "--area",
        default=None,
        help="GSO code of an area (its plan and follow-ups) or of the province (its plan, a "
        "column per area, the follow-ups of all its areas)",
    )
    args = parser.parse_args(argv)
    handler = {"run": _run, "serve": _serve, "templates": _templates, "status": _status}[
        args.command
    ]
    try:
        return handler(args)
    except BrokenPipeError:  # `vlpipe status | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
