"""`vlpipe`: run the nightly flow once, serve it on its schedule, show the status, write the
Excel templates, or generate sample data."""

from __future__ import annotations

import argparse
import os
import sys
import time

from flows.config import configure_prefect_environment


def _run(args: argparse.Namespace) -> int:
    configure_prefect_environment()
    from flows import summary
    from flows.lock import RunLocked
    from flows.nightly import nightly

    started = time.monotonic()
    try:
        state = nightly(raw_dir=args.raw_dir, warehouse_dir=args.warehouse_dir,
                        plan_id=args.plan, as_of=args.as_of, rebuild=args.rebuild,
                        return_state=True)
        result = state.result(raise_on_failure=False)
    except RunLocked as exc:
        print(exc, file=sys.stderr)
        return 3
    if isinstance(result, RunLocked):  # Prefect hands the flow's exception back in the state
        print(result, file=sys.stderr)
        return 3
    if isinstance(result, BaseException):
        print(f"Run failed, nothing new was published / Lần chạy thất bại: {result}",
              file=sys.stderr)
        return 1
    print(summary.render_text(result))
    print(f"\nDone in {time.monotonic() - started:.1f} s.")
    return 1 if state.is_failed() else 0


def _serve(args: argparse.Namespace) -> int:
    configure_prefect_environment()
    from prefect.schedules import Cron

    from flows.nightly import nightly

    nightly.serve(name="nightly", schedules=[Cron("0 1 * * *", timezone="Asia/Ho_Chi_Minh")],
                  parameters={"raw_dir": args.raw_dir, "warehouse_dir": args.warehouse_dir,
                              "plan_id": args.plan})
    return 0


def _generate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from flows.generator import generate

    truth = generate(Path(args.out), seed=args.seed, scale=args.scale)
    print(f"wrote {len(truth.files)} files to {args.out}")
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

    print(render_status(args.warehouse_dir, args.plan))
    return 0


def _month(text: str) -> str:
    from flows.months import month_end

    try:
        month_end(text)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {text!r}") from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vlpipe", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("run", "run the nightly flow once"),
                           ("serve", "serve the nightly flow on its 01:00 schedule")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--raw-dir", default="raw")
        p.add_argument("--warehouse-dir", default="warehouse")
        p.add_argument("--plan", default="VL-2022",
                       help="plan id whose scorecard the summary shows (default VL-2022)")
        if name == "run":
            p.add_argument("--as-of", metavar="YYYY-MM", type=_month, default=None,
                           help="compute the scorecard with data up to the end of this month")
            p.add_argument("--rebuild", action="store_true",
                           help="build and publish even when nothing is new")
    gen = sub.add_parser("generate", help="write a synthetic dataset")
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=2022)
    gen.add_argument("--scale", type=float, default=1.0)
    tpl = sub.add_parser("templates", help="write the Excel templates (mẫu) senders fill in")
    tpl.add_argument("--out", required=True)
    tpl.add_argument("--raw-dir", default="raw",
                     help="folder whose reference/ files give the dropdown lists (default raw)")
    status = sub.add_parser("status", help="last run, scorecard and follow-ups (runs nothing)")
    status.add_argument("--warehouse-dir", default="warehouse")
    status.add_argument("--plan", default=None, help="plan id (default: the first plan)")
    args = parser.parse_args(argv)
    handler = {"run": _run, "serve": _serve, "generate": _generate,
               "templates": _templates, "status": _status}[args.command]
    try:
        return handler(args)
    except BrokenPipeError:  # `vlpipe status | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
