#!/usr/bin/env python3
"""What `docknetdoctor watch` costs while nothing changes: on the sandbox engine
(scripts/sandbox.sh), with N running containers each publishing one port, watch runs for
SECONDS after its first look, and the CPU time it used meanwhile (utime + stime of
/proc/PID/stat, so its full rechecks are counted) is printed as a share of one CPU.
Target: under 1%. Then one change (a DOCKER-USER drop, added and removed) shows the lines
still come.
Usage: watch_idle_bench.py BINARY SANDBOX_DIR [--seconds S] [--containers N] [--all]
(default 70 s: one full recheck falls inside; 1 container, watched by name). Needs root and
a started sandbox. Exit 0 done, 77 cannot run here."""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX = os.path.join(ROOT, "scripts", "sandbox.sh")


def in_host(box, command, check=True):
    return subprocess.run([SANDBOX, "run", box, "--", "sh", "-c", command], check=check, capture_output=True, text=True)


def option(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lines_of(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if os.geteuid() != 0 or len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 77
    binary, box = args[0], args[1]
    seconds, count, watch_all = option("--seconds", 70.0), option("--containers", 1), "--all" in sys.argv
    image = in_host(box, "docker images --format '{{.Repository}}:{{.Tag}}' | head -1").stdout.strip()
    runs = "\n".join(f"docker run -d --name dndidle-{i} -p {31000 + i}:80 {image} httpd -f -p 80" for i in range(count))
    in_host(box, f"printf '%s\\n' '{runs}' | xargs -P 6 -I{{}} sh -c '{{}} >/dev/null'")
    out = tempfile.NamedTemporaryFile(prefix="dnd-watch-idle-", suffix=".jsonl", delete=False).name
    target = "--all" if watch_all else "dndidle-0"
    watch = subprocess.Popen([SANDBOX, "run", box, "--", "sh", "-c",
                              f"exec {binary} watch {target} --format json > {out}"])
    try:
        # The watch process itself: the sandbox runner execs into it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(1 for l in lines_of(out) if "container" in l) < count:
            time.sleep(0.05)
        pid = int(subprocess.run(["pgrep", "-n", "-f", f"{binary} watch {target}"], capture_output=True,
                                 text=True).stdout.split()[0])
        start_cpu, start = cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(pid) - start_cpu, time.monotonic() - start
        print(f"watch {target} ({count} containers): {used:.3f} s CPU in {elapsed:.1f} s idle = "
              f"{100 * used / elapsed:.3f}% of one CPU (target < 1%)")
        before = len(lines_of(out))
        rule = "DOCKER-USER -p tcp --dport 80 -j DROP"
        changed = time.monotonic()
        in_host(box, f"iptables -I {rule}")
        while len(lines_of(out)) == before and time.monotonic() - changed < 10:
            time.sleep(0.02)
        print(f"a DOCKER-USER drop: its first line after {time.monotonic() - changed:.2f} s")
        in_host(box, f"iptables -D {rule}")
    finally:
        watch.terminate()
        subprocess.run(["pkill", "-TERM", "-f", f"{binary} watch {target}"])
        watch.wait()
        in_host(box, "docker ps -aq --filter name=dndidle- | xargs -r docker rm -f >/dev/null", check=False)
        os.unlink(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
