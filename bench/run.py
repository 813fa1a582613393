"""Benchmarks: the in-memory doubles against the kernel, side by side, in one process.

Usage (from the project root)::

    .venv/bin/python bench/run.py             # full run, a few minutes
    .venv/bin/python bench/run.py --quick     # smoke run, < 30 s
    .venv/bin/python bench/run.py --profile echo

See bench/README.md for what each workload measures and the latest results.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Measure this checkout, installed or not.
sys.path.insert(1, str(ROOT / "src"))

from harness import Row, table  # noqa: E402
from predecessors import Predecessors  # noqa: E402
from workloads import (  # noqa: E402
    WORKLOADS,
    Config,
    _ours_pair,
    _ours_udp,
    aio_available,
    aio_trial,
    echo_trial,
    ours_capacity,
    udp_trial,
)

import mockselector  # noqa: E402
from mockselector import MockSocket, TestSelector  # noqa: E402


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "mockselector": f"{mockselector.__version__} ({Path(mockselector.__file__).parent})",
        "commit": git_commit(),
        "quick": args.quick,
        "argv": sys.argv[1:],
    }


# -- profiling ------------------------------------------------------------------------


def _profile_echo(prof: cProfile.Profile) -> None:
    """The server loop of the sync echo, N=1,000 x 10, three times."""
    for _ in range(3):
        echo_trial(_ours_pair, TestSelector, 1_000, 10, profiler=prof)


def _profile_setup(prof: cProfile.Profile) -> None:
    """Setup and teardown of the sync echo (pair, setblocking, register / unregister, close)."""
    prof.enable()
    for _ in range(3):
        echo_trial(_ours_pair, TestSelector, 1_000, 0)
    prof.disable()


def _profile_asyncio(prof: cProfile.Profile) -> None:
    if not aio_available():
        print("mockselector.new_event_loop is not available: nothing to profile")
        return
    prof.enable()
    for _ in range(3):
        aio_trial(True, 10, 100)
    prof.disable()


def _profile_objects(prof: cProfile.Profile) -> None:
    prof.enable()
    pairs = [_ours_pair() for _ in range(20_000)]
    prof.disable()
    a, b = pairs[0]
    prof.enable()
    for _ in range(20_000):
        a.send(b"x" * 64)
        b.recv(4096)
    prof.disable()


def _profile_select(prof: cProfile.Profile) -> None:
    sel = TestSelector()
    socks = [MockSocket(eof=False) for _ in range(100_000)]
    for sock in socks:
        sel.register(sock, 1)
    socks[0].feed(b"x")
    prof.enable()
    for _ in range(20_000):
        sel.select(0)
    prof.disable()
    sel.close()


def _profile_scale(prof: cProfile.Profile) -> None:
    prof.enable()
    ours_capacity(100_000, 60.0)
    prof.disable()


def _profile_udp(prof: cProfile.Profile) -> None:
    """The UDP round trip, 20,000 round trips, three times."""
    prof.enable()
    for _ in range(3):
        udp_trial(_ours_udp, 20_000)
    prof.disable()


PROFILES: dict[str, Callable[[cProfile.Profile], None]] = {
    "echo": _profile_echo, "setup": _profile_setup, "asyncio": _profile_asyncio,
    "objects": _profile_objects, "select": _profile_select, "scale": _profile_scale,
    "udp": _profile_udp,
}


def profile(name: str, top: int) -> None:
    """Print the top functions by own time, overall and in src/mockselector only."""
    prof = cProfile.Profile()
    PROFILES[name](prof)
    src = str(ROOT / "src" / "mockselector")
    raw: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    ours = sum(entry[2] for key, entry in raw.items() if key[0].startswith(src))
    print(f"profile of {name}: {total:.3f} s of own time, {ours:.3f} s "
          f"({ours / total:.0%}) in src/mockselector")
    print(f"\n--- top {top} functions, all code ---")
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(top)
    print(f"--- top {top} functions in src/mockselector ---")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(
        re.escape(src), top)


# -- the run --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 2 trials")
    parser.add_argument("--json", default=str(BENCH / "results.json"), metavar="PATH",
                        help="where to write the results (default: bench/results.json)")
    parser.add_argument("--only", default=",".join(WORKLOADS), metavar="NAMES",
                        help=f"comma-separated workloads (default: all of {', '.join(WORKLOADS)})")
    parser.add_argument("--predecessors", action="store_true",
                        help="add columns for mockselector 0.2.3 and asynctest, if loadable")
    parser.add_argument("--predecessors-path", metavar="DIR",
                        help="directory they were installed into with pip install --target")
    parser.add_argument("--scale-cap", type=int, metavar="N",
                        help="most in-memory connections the scale workload opens "
                        "(default 250,000; 100,000 with --quick)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--profile", choices=sorted(PROFILES), metavar="NAME",
                        help=f"cProfile our side of one workload ({', '.join(PROFILES)})")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile:
        profile(args.profile, args.top)
        return 0
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown:
        print(f"unknown workload(s): {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}",
              file=sys.stderr)
        return 2
    pred = Predecessors(args.predecessors_path) if args.predecessors else None
    cfg = Config.make(args.quick, pred, args.scale_cap)
    meta = metadata(args)
    print(f"{meta['python']} on {meta['cpu']} ({meta['cpus']} CPUs), {meta['platform']}")
    print(f"mockselector {meta['mockselector']}, commit {meta['commit']}, {meta['date']}")
    load = meta["loadavg_at_start"]
    if load is not None and load > 0.5:
        print(f"warning: load average {load:.2f} at start: other processes share the CPUs, "
              "so figures are noisier (both sides are interleaved, so ratios suffer less)")
    if pred is not None:
        for line in pred.describe():
            print(line)

    rows: list[Row] = []
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows.extend(WORKLOADS[name](cfg))
        except Exception:
            errors[name] = traceback.format_exc()
            print(f"workload {name} failed:\n{errors[name]}", file=sys.stderr)
        timings[name] = time.perf_counter() - start
        print(f"  {name}: {timings[name]:.1f} s", file=sys.stderr, flush=True)

    others = pred.columns if pred is not None else []
    print()
    print(table(rows, others, markdown=args.markdown))
    notes = [f"- {row.workload}: {row.note}" for row in rows if row.note]
    if notes:
        print("\nnotes:\n" + "\n".join(notes))
    missed = [row.workload for row in rows if row.met is False]
    print(f"\ntargets missed: {', '.join(missed) if missed else 'none'}")

    result = {"meta": meta, "seconds": timings, "errors": errors,
              "predecessors": pred.describe() if pred is not None else None,
              "rows": [row.as_json() for row in rows]}
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {path}")
    if errors:
        print(f"FAILED workloads: {', '.join(errors)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
