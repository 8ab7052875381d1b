#!/usr/bin/env python3
"""Swarm-scale benchmark: on the sandbox engine (scripts/sandbox.sh) made a one-node swarm,
with N services of one task each, each publishing one port through the routing mesh, time
what the user runs against what they would run instead, the whole process as /usr/bin/time
sees it (timed_run.py), medians of RUNS, same run:
  one task's full diagnosis   `docknetdoctor TASK`     vs `docker inspect TASK`
  every container             `docknetdoctor --all`    vs `docker inspect $(docker ps -q)`
  one service by name         `docknetdoctor SERVICE`  vs `docker service ps SERVICE`
Usage: swarm_scale_bench.py BINARY SANDBOX_DIR [N ...] [--runs R]   (default N: 1 10 50)
The services (dndsvc-*) are created for each N and removed at the end, and the engine leaves
the swarm it joined. Needs root and a started sandbox. Exit 0 done, 77 cannot run here."""
import sys
import time

from host_scale_bench import bench_arguments, in_host, median_of, settle


def running_tasks(box):
    out = in_host(box, "docker ps -q --filter label=com.docker.swarm.service.name | wc -l", check=False).stdout
    return int(out or 0)


def grow_to(box, n, image):
    have = int(in_host(box, "docker service ls -q --filter name=dndsvc- | wc -l").stdout)
    creates = "\n".join(f"docker service create -d --no-resolve-image --name dndsvc-{i} -p {31000 + i}:80 {image} "
                        f"httpd -f -p 80" for i in range(have, n))
    if creates:
        in_host(box, f"printf '%s\\n' '{creates}' | xargs -P 4 -I{{}} sh -c '{{}} >/dev/null'")
    deadline = time.monotonic() + 600
    while running_tasks(box) < n and time.monotonic() < deadline:
        time.sleep(2)
    if running_tasks(box) < n:
        raise RuntimeError(f"only {running_tasks(box)} of {n} tasks running after 10 minutes")
    settle()


def first_task(box):
    return in_host(box, "docker ps --filter label=com.docker.swarm.service.name=dndsvc-0 --format '{{.Names}}'"
                   ).stdout.split()[0]


def main():
    arguments = bench_arguments(__doc__, [1, 10, 50])
    if arguments is None:
        return 77
    binary, box, counts, runs, image = arguments
    addr = in_host(box, "ip -4 -o addr show ext0 | awk '{print $4}' | cut -d/ -f1").stdout.strip()
    if in_host(box, f"docker swarm init --advertise-addr {addr}", check=False).returncode != 0:
        print("cannot make the sandbox engine a swarm", file=sys.stderr)
        return 77
    print(f"{'services':>8} | {'one: dnd s':>10} {'inspect s':>9} {'ratio':>5} | "
          f"{'--all s':>7} {'MiB':>5} {'inspect all s':>13} {'ratio':>5} | "
          f"{'service s':>9} {'service ps s':>12} {'ratio':>5}")
    try:
        for n in sorted(counts):
            grow_to(box, n, image)
            task = first_task(box)
            one_dnd = median_of(box, f"{binary} {task}", runs)
            one_inspect = median_of(box, f"docker inspect {task}", runs)
            all_dnd = median_of(box, f"{binary} --all", runs)
            all_inspect = median_of(box, "docker inspect $(docker ps -q)", runs)
            by_name = median_of(box, f"{binary} dndsvc-0", runs)
            service_ps = median_of(box, "docker service ps dndsvc-0", runs)
            print(f"{n:>8} | {one_dnd[0]:>10.3f} {one_inspect[0]:>9.3f} {one_dnd[0] / one_inspect[0]:>5.2f} | "
                  f"{all_dnd[0]:>7.3f} {all_dnd[1]:>5.1f} {all_inspect[0]:>13.3f} {all_dnd[0] / all_inspect[0]:>5.2f} | "
                  f"{by_name[0]:>9.3f} {service_ps[0]:>12.3f} {by_name[0] / service_ps[0]:>5.2f}",
                  flush=True)
    finally:
        in_host(box, "docker service ls -q --filter name=dndsvc- | xargs -r docker service rm >/dev/null", check=False)
        in_host(box, "docker swarm leave --force", check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
