#!/usr/bin/env python3
"""Netfilter benchmark: in a scratch network namespace shaped like a Docker host,
load Docker's iptables-nft rules plus 10,000 rules and a 50,000-interval named set, then time
one full diagnosis (collect_host_network + paths_for, the driver nf_collect_bench) against
`nft -j list ruleset`, same namespace, same run. Reports the ratio and both peak RSS figures.
Targets: at least 5x faster, under 60 MiB. Needs root. Usage: netfilter_bench.py DRIVER [RUNS]
Exit: 0 targets met, 1 missed, 77 cannot run here."""
import json, os, subprocess, sys, tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NS = f"dndbench-{os.getpid()}"
SHAPE = ("ip link set lo up; ip link add eth0 type ifb; ip addr add 192.0.2.10/24 dev eth0; "
         "ip link set eth0 up; ip route add default via 192.0.2.1 dev eth0; "
         "ip link add docker0 type bridge; ip addr add 172.17.0.1/16 dev docker0; ip link set docker0 up; "
         "sysctl -qw net.ipv4.ip_forward=1")
RULES, INTERVALS = 10_000, 50_000


def sh(cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", NS, "sh", "-ec", cmd], check=True, **kw)


def ruleset_text():
    lines = ["table ip bench {", "  set big {", "    type ipv4_addr; flags interval;", "    elements = {"]
    base = 11 << 24  # 11.0.0.0 upwards: 16 addresses apart, 8 wide
    lines.append(",\n".join(
        f"      {ip(base + i * 16)}-{ip(base + i * 16 + 7)}" for i in range(INTERVALS)))
    lines += ["    }", "  }", "  chain bench_forward {", "    type filter hook forward priority 10; policy accept;",
              "    ip saddr @big drop"]
    for i in range(RULES - 1):
        lines.append(f"    ip saddr 10.{(i >> 8) & 255}.{i & 255}.1 tcp dport {1024 + i % 60000} drop")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def ip(n):
    return ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))


def timed(cmd):
    """(seconds, peak RSS KiB, stdout) of cmd run in the namespace, by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as t:
        r = subprocess.run(["ip", "netns", "exec", NS, "/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd,
                           check=True, stdout=subprocess.PIPE, text=True)
        secs, rss = t.read().split()[-2:]
        return float(secs), int(rss), r.stdout


def main():
    if os.geteuid() != 0:
        print("netfilter_bench: needs root (network namespaces)")
        return 77
    driver = os.path.abspath(sys.argv[1])
    if not os.access(driver, os.X_OK):
        print(f"netfilter_bench: no driver at {driver} (build the nf_collect_bench target)")
        return 2
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if subprocess.run(["ip", "netns", "add", NS]).returncode != 0:
        print("netfilter_bench: cannot create a network namespace")
        return 77
    try:
        sh(SHAPE)
        sh(f"iptables-nft-restore < {SRC}/fixtures/netfilter/inputs/path-docker.rules")
        with tempfile.NamedTemporaryFile("w", suffix=".nft") as f:
            f.write(ruleset_text())
            f.flush()
            sh(f"nft -f {f.name}")
        best_nft, best_dnd, rss_nft, rss_dnd, report = None, None, 0, 0, None
        for _ in range(runs):
            s, rss, _ = timed(["nft", "-j", "list", "ruleset"])
            best_nft = s if best_nft is None else min(best_nft, s)
            rss_nft = max(rss_nft, rss)
            s, rss, out = timed([driver])
            report = json.loads(out)
            best_dnd = s if best_dnd is None else min(best_dnd, s)
            rss_dnd = max(rss_dnd, rss)
        ratio = best_nft / best_dnd if best_dnd > 0 else float("inf")
        print(json.dumps({"nft_json_s": best_nft, "nft_json_rss_kib": rss_nft,
                          "dnd_s": best_dnd, "dnd_rss_kib": rss_dnd, "speedup": round(ratio, 2),
                          "driver": report}, indent=1))
        ok = ratio >= 5 and rss_dnd < 60 * 1024 and not report.get("errors")
        print("netfilter_bench:", "targets met" if ok else "targets MISSED",
              f"({ratio:.1f}x faster, {rss_dnd / 1024:.1f} MiB)")
        return 0 if ok else 1
    finally:
        subprocess.run(["ip", "netns", "del", NS])


if __name__ == "__main__":
    sys.exit(main())
