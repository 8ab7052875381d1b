#!/usr/bin/env python3
"""Host-processes benchmark: on the sandbox engine (scripts/sandbox.sh) with one running
container publishing a port, start P sleeping processes in the sandbox's host network
namespace (where a busy host's processes are) and time one container's diagnosis, the whole
process as /usr/bin/time sees it, with its collection phase (JSON timings_ms.collect), against
`docker inspect NAME`; medians of RUNS, same run. Finding listeners' owners must not read every
process's fd table: the collection should stay flat as P grows.
Usage: host_processes_bench.py BINARY SANDBOX_DIR [P ...] [--runs R]   (default P: 100 1000 5000)
The container (dndproc-0) and the sleepers are removed at the end. Needs root and a started
sandbox (`scripts/sandbox.sh start DIR`). Exit 0 done, 77 cannot run here."""
import json, os, statistics, subprocess, sys

from host_scale_bench import bench_arguments, in_host, median_of

SLEEP_MARK = "86399"  # `sleep 86399`: this bench's sleepers, and only them


def sleepers():
    return int(subprocess.run(["pgrep", "-c", "-f", f"^sleep {SLEEP_MARK}$"], capture_output=True,
                              text=True).stdout.strip() or 0)


def grow_sleepers(box, p):
    have = sleepers()
    if have < p:
        in_host(box, f"i={have}; while [ $i -lt {p} ]; do setsid sleep {SLEEP_MARK} </dev/null >/dev/null 2>&1 & "
                     f"i=$((i+1)); done")


def collect_ms(box, binary, name, runs):
    samples = []
    for _ in range(runs):
        out = in_host(box, f"{binary} --format json {name}", check=False).stdout
        samples.append(json.loads(out)["timings_ms"]["collect"])
    return statistics.median(samples)


def main():
    arguments = bench_arguments(__doc__, [100, 1000, 5000])
    if arguments is None:
        return 77
    binary, box, counts, runs, image = arguments
    name = "dndproc-0"
    print(f"{'sleepers':>8} {'host procs':>10} | {'dnd s':>6} {'collect ms':>10} {'MiB':>5} | "
          f"{'inspect s':>9} {'ratio':>5}")
    try:
        in_host(box, f"docker run -d --name {name} -p 30999:80 {image} httpd -f -p 80 >/dev/null")
        for p in sorted(counts):
            grow_sleepers(box, p)
            procs = sum(1 for d in os.listdir("/proc") if d.isdigit())
            dnd = median_of(box, f"{binary} {name}", runs)
            collect = collect_ms(box, binary, name, runs)
            inspect = median_of(box, f"docker inspect {name}", runs)
            print(f"{sleepers():>8} {procs:>10} | {dnd[0]:>6.3f} {collect:>10.1f} {dnd[1]:>5.1f} | "
                  f"{inspect[0]:>9.3f} {dnd[0] / inspect[0]:>5.2f}", flush=True)
    finally:
        in_host(box, f"docker rm -f {name} >/dev/null", check=False)
        subprocess.run(["pkill", "-f", f"^sleep {SLEEP_MARK}$"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
