"""Benchmark mldebtlint against libcst's parse-only floor, in one run on the same files.

Not part of the test suite. See bench/README.md. Usage:

    python bench/run.py                  # medium corpus: accelerate, pytorch-lightning, dev corpus
    python bench/run.py --corpus large   # + transformers 5.24.0 (1.2M lines; ~15 min on 2 cores)

Prints a table and writes the numbers as JSON (--json, default: <bench dir>/results-<corpus>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WHEELS = {
    "accelerate": "1.15.0",
    "pytorch-lightning": "2.6.6",
    "transformers": "5.24.0",
}
CORPORA = {
    "small": ["accelerate"],
    "medium": ["accelerate", "pytorch-lightning", "devcorpus"],
    "large": ["accelerate", "pytorch-lightning", "devcorpus", "transformers"],
}
SMALL_FILE = REPO / "fixtures" / "sample-ml-repo" / "churn" / "train.py"
GOALS = {
    "cold_1_vs_parse": 0.33,
    "speedup_2_workers": 1.7,
    "warm_vs_cold": 20.0,
    "small_file_seconds": 0.4,
}

# the floor: read + decode + parse every file, timed inside one process (libcst import excluded)
FLOOR = r"""
import json, sys, time
import libcst as cst
from mldebtlint.sources import SourceError, decode_python
paths = [line for line in sys.stdin.read().splitlines() if line]
lines = failed = 0
start = time.perf_counter()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text = decode_python(data).text
        lines += text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        cst.parse_module(text)
    except (SourceError, cst.ParserSyntaxError, RecursionError, ValueError):
        failed += 1
print(json.dumps({"seconds": time.perf_counter() - start, "lines": lines, "failed": failed}))
"""


def bench_dir() -> Path:
    return Path(os.environ.get("MLDEBTLINT_BENCH_DIR", Path.home() / ".cache" / "mldebtlint-bench"))


def fetch(name: str, version: str, root: Path) -> Path:
    """The unzipped wheel of name==version, downloaded with pip once."""
    target = root / "src" / f"{name}-{version}"
    if target.is_dir():
        return target
    wheels = root / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    stem = name.replace("-", "_")
    found = list(wheels.glob(f"{stem}-{version}-*.whl"))
    if not found:
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:"]
        subprocess.run([*pip, "--dest", str(wheels), f"{name}=={version}"], check=True)
        found = list(wheels.glob(f"{stem}-{version}-*.whl"))
    tmp = Path(tempfile.mkdtemp(dir=root / "src" if (root / "src").is_dir() else root))
    with zipfile.ZipFile(found[0]) as archive:
        archive.extractall(tmp)
    (root / "src").mkdir(exist_ok=True)
    tmp.rename(target)
    return target


def corpus_files(parts: list[str], root: Path, devcorpus: Path) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    used = []
    for part in parts:
        if part == "devcorpus":
            if not devcorpus.is_dir():
                print(f"(dev corpus {devcorpus} not found: skipped; build it with make_devcorpus.sh)")
                continue
            base = devcorpus
            used.append(f"devcorpus ({devcorpus})")
        else:
            base = fetch(part, WHEELS[part], root)
            used.append(f"{part}=={WHEELS[part]}")
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base).parts
            if path.suffix in (".py", ".pyi") and path.is_file() and rel[0] not in ("_downloads", "_logs"):
                files.append(path)
    return files, used


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed by pip: byte-compiled modules
    env.pop("MLDEBTLINT_CACHE_DIR", None)
    return env


class TreeRss:
    """Samples the summed RSS of a process and its descendants (Linux /proc), every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _pids(self, pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                for child in children:
                    pids.extend(self._pids(int(child)))
        except OSError:
            pass
        return pids

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._pids(self.pid):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
                total += int(match.group(1)) if match else 0
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kib


def timed(argv: list[str], stdin: str | None = None) -> dict:
    """Run a command: wall and CPU seconds, peak RSS of its largest process (wait4, which
    includes the workers it reaped) and of its whole process tree summed (sampled)."""
    with tempfile.TemporaryFile("w+") as feed, tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        feed.write(stdin or "")
        feed.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=child_env(), cwd=REPO, stdin=feed, stdout=out, stderr=err, text=True)
        sampler = TreeRss(proc.pid) if sys.platform.startswith("linux") else None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_kib = sampler.stop() if sampler else None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode not in (0, 1) or "Traceback (most recent call last)" in stderr:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(argv[:6])} ...\n{stderr[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "max_rss_kib": usage.ru_maxrss,
        "tree_rss_kib": tree_kib,
        "stdout": stdout,
    }


def mldebtlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "mldebtlint", *args]


def repeated(argv: list[str], times: int) -> dict:
    """Hyperfine-style: the same command `times` times; wall and CPU seconds."""
    runs = [timed(argv) for _ in range(times)]
    walls = [run["wall"] for run in runs]
    cpus = [run["cpu"] for run in runs]
    return {"min": min(walls), "median": statistics.median(walls), "cpu_median": statistics.median(cpus), "runs": times}


def imports_libcst(args: list[str]) -> bool:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mldebtlint", *args],
        env=child_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return bool(re.search(r"\|\s+libcst$", proc.stderr, re.M))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="medium")
    parser.add_argument("--devcorpus", type=Path, default=Path("/work/devcorpus"))
    parser.add_argument("--repeat", type=int, default=10, help="runs of the one-small-file timing")
    parser.add_argument("--json", type=Path, help="where to write the results")
    options = parser.parse_args()

    root = bench_dir()
    root.mkdir(parents=True, exist_ok=True)
    files, used = corpus_files(CORPORA[options.corpus], root, options.devcorpus)
    listing = "\n".join(str(f) for f in files) + "\n"
    print(f"corpus {options.corpus}: {', '.join(used)}: {len(files)} files")
    load_before = os.getloadavg()

    # warm-up: byte-compile mldebtlint as pip would, so start-up is measured as users see it
    timed(mldebtlint("check", str(SMALL_FILE), "--no-cache", "--exit-zero"))

    # the corpus spans directories whose only common one is `/`: a config file of our own
    # makes the bench directory the project root (all rules, default settings)
    project = root / "pyproject.toml"
    project.write_text("[tool.mldebtlint]\n")
    config = ["--config", str(project)]

    floor_run = timed([sys.executable, "-c", FLOOR], stdin=listing)
    floor = json.loads(floor_run["stdout"])
    results = {}
    outputs = {}
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        runs = [
            ("cold_1", ["--jobs", "1", "--cache-dir", f"{tmp}/c1"]),
            ("cold_2", ["--jobs", "2", "--cache-dir", f"{tmp}/c2"]),
            ("warm_2", ["--jobs", "2", "--cache-dir", f"{tmp}/c2"]),
        ]
        for name, extra in runs:
            run = timed(mldebtlint("check", *map(str, files), "--format", "json", "--exit-zero", *config, *extra))
            outputs[name] = run.pop("stdout")
            results[name] = run
    identical = len(set(outputs.values())) == 1
    summary = json.loads(outputs["cold_1"])["summary"]
    lines = summary["lines_checked"]

    small = {
        "cold": repeated(mldebtlint("check", str(SMALL_FILE), "--no-cache", "--exit-zero"), options.repeat),
        "version": repeated(mldebtlint("--version"), options.repeat),
    }
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        timed(mldebtlint("check", str(SMALL_FILE), "--cache-dir", tmp, "--exit-zero"))
        warm = mldebtlint("check", str(SMALL_FILE), "--cache-dir", tmp, "--exit-zero")
        small["warm"] = repeated(warm, options.repeat)
    libcst_on = {
        " ".join(args): imports_libcst(args)
        for args in (["--version"], ["--help"], ["rules"], ["explain", "MLD601"], ["check", "--help"])
    }

    lps = {name: lines / run["wall"] for name, run in results.items()}
    lps["parse"] = floor["lines"] / floor["seconds"]
    ratios = {
        "cold_1_vs_parse": lps["cold_1"] / lps["parse"],
        "speedup_2_workers": lps["cold_2"] / lps["cold_1"],
        "warm_vs_cold": results["cold_1"]["wall"] / results["warm_2"]["wall"],
        "warm_vs_cold_2": results["cold_2"]["wall"] / results["warm_2"]["wall"],
        "small_file_seconds": small["cold"]["median"],
        # what 2 workers could reach on 2 idle CPUs: the work they did, against one worker's
        "cpu_bound_speedup_2_workers": 2 * results["cold_1"]["cpu"] / results["cold_2"]["cpu"],
        "cold_1_vs_parse_cpu": floor_run["cpu"] / results["cold_1"]["cpu"],
    }
    report = {
        "corpus": options.corpus,
        "sources": used,
        "files": len(files),
        "lines": lines,
        "findings": summary["findings"],
        "parse": {**floor, "cpu": floor_run["cpu"]},
        "runs": results,
        "lines_per_second": lps,
        "ratios": ratios,
        "goals": GOALS,
        "outputs_identical": identical,
        "small_file": small,
        "libcst_imported": libcst_on,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "platform": platform.platform(),
        },
    }
    out = options.json or root / f"results-{options.corpus}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nJSON: {out}")


def print_table(r: dict) -> None:
    mb = 1024
    print(f"\n{r['files']} files, {r['lines']:,} lines, {r['findings']} findings")
    print(f"outputs of the three runs byte-identical: {r['outputs_identical']}")
    print(f"{'run':<28}{'wall s':>9}{'cpu s':>9}{'lines/s':>10}{'max RSS MB':>12}{'tree RSS MB':>13}")
    parse = r["parse"]
    floor_lps = r["lines_per_second"]["parse"]
    print(f"{'libcst parse only (floor)':<28}{parse['seconds']:>9.2f}{parse['cpu']:>9.2f}{floor_lps:>10,.0f}")
    names = {"cold_1": "check, cold, --jobs 1", "cold_2": "check, cold, --jobs 2", "warm_2": "check, warm cache"}
    for key, label in names.items():
        run = r["runs"][key]
        tree = f"{run['tree_rss_kib'] / mb:>13.0f}" if run["tree_rss_kib"] else f"{'-':>13}"
        print(
            f"{label:<28}{run['wall']:>9.2f}{run['cpu']:>9.2f}{r['lines_per_second'][key]:>10,.0f}"
            f"{run['max_rss_kib'] / mb:>12.0f}{tree}"
        )
    ratios, goals = r["ratios"], r["goals"]
    print()
    for key, goal in goals.items():
        value = ratios[key]
        at_most = key == "small_file_seconds"
        ok = value <= goal if at_most else value >= goal
        print(f"{key:<22}{value:>8.2f}   goal {'<=' if at_most else '>='} {goal:<5} {'ok' if ok else 'MISSED'}")
    print(
        f"by CPU seconds (load-independent): cold_1_vs_parse {ratios['cold_1_vs_parse_cpu']:.2f}, "
        f"2-worker ceiling {ratios['cpu_bound_speedup_2_workers']:.2f}"
    )
    small = r["small_file"]
    print(
        f"one small file: cold {small['cold']['median']:.3f} s (min {small['cold']['min']:.3f}, "
        f"cpu {small['cold']['cpu_median']:.3f}), "
        f"warm cache {small['warm']['median']:.3f} s, --version {small['version']['median']:.3f} s "
        f"(median of {small['cold']['runs']})"
    )
    print("libcst imported by: " + ", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in r["libcst_imported"].items()))
    m = r["machine"]
    print(f"load average before/after: {m['loadavg_before'][0]:.2f} / {m['loadavg_after'][0]:.2f} on {m['cpus']} CPUs")


if __name__ == "__main__":
    main()
