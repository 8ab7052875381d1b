#!/usr/bin/env python3
"""Large-ruleset benchmark, end to end: on the sandbox engine (scripts/sandbox.sh) with one
running container publishing a port, load netfilter_bench.py's 10,000 rules and
50,000-interval set into the sandbox's host namespace beside Docker's own rules, then time one
whole diagnosis, `docknetdoctor NAME` as a user runs it (engine, rulesets, links, probes,
paths, ranking), against `nft -j list ruleset` in the same namespace; whole processes
(timed_run.py), medians of RUNS, same run. Targets: at least 10x faster, under 40 MiB peak.
Usage: ruleset_e2e_bench.py BINARY SANDBOX_DIR [--runs R]
The container (dndrules-0) and the bench table are removed at the end. Needs root and a
started sandbox (`scripts/sandbox.sh start DIR`). Exit 0 targets met, 1 missed, 77 cannot run here."""
import json, subprocess, sys, tempfile

from host_scale_bench import bench_arguments, in_host, median_of
from netfilter_bench import RULES, INTERVALS, ruleset_text

NAME = "dndrules-0"


def main():
    arguments = bench_arguments(__doc__, [])
    if arguments is None:
        return 77
    binary, box, _, runs, image = arguments
    cleanup = f"docker rm -f {NAME} >/dev/null 2>&1; nft delete table ip bench 2>/dev/null"
    in_host(box, cleanup, check=False)  # what an interrupted run left
    try:
        in_host(box, f"docker run -d --name {NAME} -p 31000:80 {image} httpd -f -p 80 >/dev/null")
        with tempfile.NamedTemporaryFile("w", suffix=".nft") as rules:
            rules.write(ruleset_text())
            rules.flush()
            in_host(box, f"nft -f {rules.name}")
        # One untimed run: the diagnosis must have read the whole ruleset and judged the port.
        report = json.loads(in_host(box, f"{binary} --format json {NAME}", check=False).stdout)
        blind = [b["source"] for b in report.get("blind_spots", [])]
        print(f"{NAME}: verdict {report.get('verdict')}, blind spots {blind or 'none'}")
        dnd_s, dnd_mib = median_of(box, f"{binary} {NAME}", runs)
        nft_s, nft_mib = median_of(box, "nft -j list ruleset", runs)
    finally:
        in_host(box, cleanup, check=False)
    speedup = nft_s / dnd_s
    print(f"{RULES:,} rules and a {INTERVALS:,}-interval set, medians of {runs}:")
    print(f"  docknetdoctor {NAME}: {dnd_s:.3f} s, {dnd_mib:.1f} MiB")
    print(f"  nft -j list ruleset: {nft_s:.3f} s, {nft_mib:.1f} MiB")
    met = speedup >= 10 and dnd_mib < 40
    print(f"ruleset_e2e_bench: {'targets met' if met else 'targets MISSED'} ({speedup:.1f}x faster, {dnd_mib:.1f} MiB)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
