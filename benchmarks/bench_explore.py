"""How big and how quick the `nntrace explore` page of a long run is.

Run from the repository root (needs Playwright and Debian's Chromium, as the browser tests):

    python benchmarks/bench_explore.py            # about 15 seconds
    python benchmarks/bench_explore.py --quick    # one run of each, rougher figures

The run: the article's network on XOR at learning rate 0.5 for 10,000 epochs, traced
every 10th iteration (`nntrace train --trace run.jsonl --every 10`, 4,000 steps). Then,
each the best of several runs:

1. `nntrace explore run.jsonl --output page.html`, the whole process: its time, and the
   page's size. Goal: under 5 MB.
2. The page opened in headless Chromium from the file: the time from the start of the
   navigation until the page has drawn its first step and answers (the script's
   `nntrace-ready` mark), read from the browser's own clock. Goal: within 2 s.
3. In the open page, the time to show another step (the picture, the tables and the
   curve redrawn), the mean over 200 steps across the run. No goal: shown for scale.
4. `nntrace train ... --explore page.html` without `--trace` (the steps kept in memory):
   the whole process, and its page's size.
5. The page of one step of a 2-300-300-1 network (`nntrace init 2-300-300-1`, `nntrace
   step ... --trace`), summarised as the terminal summarises it: the whole process and
   the page's size (60 MB before the summary). Goal: under 5 MB, as 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"page size (MB)": 5.0, "time to interactive (s)": 2.0}
CHROMIUM = os.environ.get("NNTRACE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN = ["--epochs", "10000", "--lr", "0.5"]


def nntrace(*args: str) -> float:
    """Run the command in a fresh process; its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nntrace", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def browser_times(page_path: Path, runs: int) -> tuple[float, float]:
    """The best time to interactive (s) over `runs` fresh loads, and the mean time to show a
    step (ms) in the last one."""
    from playwright.sync_api import sync_playwright

    best = float("inf")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(page_path.resolve().as_uri())
            ready = page.evaluate("() => performance.getEntriesByName('nntrace-ready')[0].startTime")
            best = min(best, ready / 1000)
            step = page.evaluate("""() => {
                const explore = window.nntraceExplore, count = Number(document.getElementById('iteration').max) + 1;
                const started = performance.now();
                for (let k = 0; k < 200; k++) explore.show(Math.floor(k * count / 200));
                return (performance.now() - started) / 200; }""")
            context.close()
        browser.close()
    return best, step


def wide_page(folder: Path, runs: int) -> tuple[float, float]:
    """The best seconds of `nntrace explore` on one 2-300-300-1 step, and its page's MB."""
    network, trace, page = folder / "wide.json", folder / "wide-step.json", folder / "wide.html"
    with network.open("w") as out:
        subprocess.run([sys.executable, "-m", "nntrace", "init", "2-300-300-1", "--seed", "3"], check=True,
                       stdout=out)
    nntrace("step", "--weights", str(network), "--input", "0.3", "0.8", "--target", "1", "--trace", str(trace))
    build = min(nntrace("explore", str(trace), "--output", str(page)) for _ in range(runs))
    return build, page.stat().st_size / 1e6


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        trace, page, kept = folder / "run.jsonl", folder / "page.html", folder / "kept.html"
        nntrace("train", *RUN, "--trace", str(trace), "--every", "10")
        build = min(nntrace("explore", str(trace), "--output", str(page)) for _ in range(runs))
        size = page.stat().st_size / 1e6
        interactive, step = browser_times(page, runs)
        train_page = min(nntrace("train", *RUN, "--explore", str(kept)) for _ in range(runs))
        kept_size = kept.stat().st_size / 1e6
        wide_build, wide_size = wide_page(folder, runs)
    print(f"A 10,000-epoch XOR run traced every 10th iteration ({trace.name}: 4,000 steps)")
    print(f"  nntrace explore (whole process)       {build:6.2f} s")
    print(f"  page size                             {size:6.2f} MB   goal < {GOALS['page size (MB)']:g} MB")
    print(f"  time to interactive in Chromium       {interactive:6.2f} s    goal < "
          f"{GOALS['time to interactive (s)']:g} s")
    print(f"  showing another step                  {step:6.2f} ms   (mean of 200)")
    print(f"  train --explore, steps kept in memory {train_page:6.2f} s, page {kept_size:.2f} MB")
    print("One step of a 2-300-300-1 network (184,806 values), summarised")
    print(f"  nntrace explore (whole process)       {wide_build:6.2f} s")
    print(f"  page size                             {wide_size:6.2f} MB   goal < {GOALS['page size (MB)']:g} MB")
    failed = [name for name, value in (("page size (MB)", size), ("time to interactive (s)", interactive),
                                       ("page size (MB)", wide_size)) if value >= GOALS[name]]
    if failed:
        print("Goal missed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
