#!/usr/bin/env python3
"""Run one shell command, its output discarded, and print what /usr/bin/time -f '%e %M' would:
its wall seconds and its peak RSS in KiB, but the wall time to the microsecond, where GNU
time rounds to 10 ms: the host-scale bench compares runs of 50 ms, which that rounding would
blur by 20%. The RSS is still GNU time's own reading: a child forked from Python would count
the interpreter's pages, copied at the fork, in its peak.
Usage: timed_run.py COMMAND"""
import os, subprocess, sys, tempfile, time


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.NamedTemporaryFile("r") as rss, open(os.devnull, "wb") as null:
        started = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, "sh", "-c", sys.argv[1]],
                       stdout=null, stderr=null, check=False)
        wall = time.perf_counter() - started
        rss_kib = rss.read().split()[-1]
    print(f"{wall:.6f} {rss_kib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
