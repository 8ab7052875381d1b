#!/usr/bin/env python3
"""Host-scale benchmark: on the sandbox engine (scripts/sandbox.sh) with N running containers,
each publishing one port, time what the user runs against what they would run instead, the
whole process as /usr/bin/time sees it (wall, peak RSS; timed_run.py, to the microsecond), medians of RUNS, same run:
  one container's full diagnosis   `docknetdoctor NAME`      vs `docker inspect NAME`
  every container                  `docknetdoctor --all`     vs `docker inspect $(docker ps -q)`
and, to show where --all's time goes, `--all --no-probe` and the floor under its probes: a bare
client (connect_floor.c) opening the same connections from the host at once.
Usage: host_scale_bench.py BINARY SANDBOX_DIR [N ...] [--runs R]   (default N: 1 50 200)
The containers (dndscale-*) are started for each N and removed at the end. Needs root and a
started sandbox (`scripts/sandbox.sh start DIR`). Exit 0 done, 77 cannot run here."""
import json, math, os, statistics, subprocess, sys, tempfile, time

from timed_run import compiled

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX = os.path.join(ROOT, "scripts", "sandbox.sh")


def in_host(box, command, check=True):
    return subprocess.run([SANDBOX, "run", box, "--", "sh", "-c", command], check=check,
                          capture_output=True, text=True)


def timed(box, command):
    """Wall seconds and peak RSS (MiB) of one run of command in the sandbox's host netns, as
    /usr/bin/time sees them but to the microsecond (timed_run.py)."""
    harness = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timed_run.py")
    out = in_host(box, f"python3 {harness} '{command}'").stdout
    wall, rss_kib = out.split()[-2:]
    return float(wall), int(rss_kib) / 1024


def median_of(box, command, runs):
    samples = [timed(box, command) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def probe_floor(box, binary, runs):
    """Median wall seconds of connect_floor opening every connection --all's ladders open
    from the host (read from one --all run's probes), or NaN when it could not be timed."""
    report = json.loads(in_host(box, f"{binary} --all --format json", check=False).stdout or "[]")
    lines = [f"{p['target']['address']} {p['target']['port']}" for r in report for p in r.get("probes", [])
             if p["target"]["vantage"] == "the host"]
    floor = compiled(os.path.join(os.path.dirname(os.path.abspath(__file__)), "connect_floor.c"))
    with tempfile.NamedTemporaryFile("w", prefix="dnd-floor-targets-", suffix=".txt") as targets:
        targets.write("\n".join(lines) + "\n")
        targets.flush()
        try:
            return median_of(box, f"{floor} < {targets.name}", runs)[0]
        except ValueError:  # timed_run printed no figures
            return math.nan


def settle(limit_s=120):
    """Waits until the machine is mostly idle again (two 1 s samples above 80% idle, at most
    limit_s): starting containers leaves the engine and the kernel busy for a while, and a run
    timed in that wake measures it, not the tool."""
    def busy_idle():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait
    calm = 0
    for _ in range(limit_s):
        total0, idle0 = busy_idle()
        time.sleep(1)
        total1, idle1 = busy_idle()
        calm = calm + 1 if (idle1 - idle0) > 0.8 * max(1, total1 - total0) else 0
        if calm == 2:
            return


def grow_to(box, n, image):
    have = int(in_host(box, "docker ps -q --filter name=dndscale- | wc -l").stdout)
    if have >= n:
        return
    runs = "\n".join(f"docker run -d --name dndscale-{i} -p {30000 + i}:80 {image} httpd -f -p 80"
                     for i in range(have, n))
    in_host(box, f"printf '%s\\n' '{runs}' | xargs -P 6 -I{{}} sh -c '{{}} >/dev/null'")
    settle()


def bench_arguments(usage, default_counts):
    """(binary, sandbox dir, counts, runs, image) from BINARY SANDBOX_DIR [N ...] [--runs R],
    or None (usage printed) when they are wrong or we are not root."""
    args = [a for a in sys.argv[1:] if not a.startswith("--runs")]
    runs = 5
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
        args = [a for a in args if a != str(runs)]
    if os.geteuid() != 0 or len(args) < 2:
        print(usage, file=sys.stderr)
        return None
    binary, box = args[0], args[1]
    counts = [int(a) for a in args[2:]] or default_counts
    image = in_host(box, "docker images --format '{{.Repository}}:{{.Tag}}' | head -1").stdout.strip()
    return binary, box, counts, runs, image


def main():
    arguments = bench_arguments(__doc__, [1, 50, 200])
    if arguments is None:
        return 77
    binary, box, counts, runs, image = arguments
    # Which docker CLI is the yardstick matters: Debian's docker.io 20.10 answers in about
    # 1.5x the time of a Docker 28 CLI on the same engine.
    cli = in_host(box, "command -v docker; docker version --format '{{.Client.Version}}' 2>/dev/null", check=False)
    print("docker CLI: " + " ".join(cli.stdout.split()))
    print(f"{'containers':>10} | {'one: dnd s':>10} {'inspect s':>9} {'ratio':>5} | "
          f"{'--all s':>7} {'MiB':>5} {'inspect all s':>13} {'ratio':>5} | "
          f"{'--no-probe s':>12} {'probe floor s':>13}")
    try:
        for n in sorted(counts):
            grow_to(box, n, image)
            one_dnd = median_of(box, f"{binary} dndscale-0", runs)
            one_inspect = median_of(box, "docker inspect dndscale-0", runs)
            all_dnd = median_of(box, f"{binary} --all", runs)
            all_inspect = median_of(box, "docker inspect $(docker ps -q)", runs)
            no_probe = median_of(box, f"{binary} --all --no-probe", runs)
            floor = probe_floor(box, binary, runs)
            print(f"{n:>10} | {one_dnd[0]:>10.3f} {one_inspect[0]:>9.3f} {one_dnd[0] / one_inspect[0]:>5.2f} | "
                  f"{all_dnd[0]:>7.3f} {all_dnd[1]:>5.1f} {all_inspect[0]:>13.3f} {all_dnd[0] / all_inspect[0]:>5.2f} | "
                  f"{no_probe[0]:>12.3f} {floor:>13.3f}",
                  flush=True)
    finally:
        in_host(box, "docker ps -aq --filter name=dndscale- | xargs -r docker rm -f >/dev/null", check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
