/* What /usr/bin/time -f '%e %M' reports for one command, with the wall time to the nanosecond:
 * fork, exec, wait4, nothing else between the two clock readings. GNU time itself adds about
 * 5 ms to a run on this machine and rounds to 10 ms; Python cannot stand in for it, as a child
 * it spawns carries the interpreter's pages into its peak RSS. The command's output is
 * discarded. Usage: timed_run PROGRAM [ARG...]; prints "WALL_SECONDS PEAK_RSS_KIB". */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: timed_run PROGRAM [ARG...]\n");
        return 2;
    }
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0) {
        perror("timed_run: /dev/null");
        return 2;
    }
    struct timespec started, ended;
    clock_gettime(CLOCK_MONOTONIC, &started);
    pid_t child = fork();
    if (child < 0) {
        perror("timed_run: fork");
        return 2;
    }
    if (child == 0) {
        int report_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        execvp(argv[1], argv + 1);
        dprintf(report_fd, "timed_run: %s: cannot run it\n", argv[1]);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) {
        perror("timed_run: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &ended);
    double wall = (double)(ended.tv_sec - started.tv_sec) + (double)(ended.tv_nsec - started.tv_nsec) / 1e9;
    printf("%.6f %ld\n", wall, usage.ru_maxrss);
    return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? 2 : 0;
}
