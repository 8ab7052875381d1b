/* The floor under --all's probes: a bare client that opens every connection the ladders open
 * from the host, all at once, and closes each as soon as its handshake completes. No
 * namespaces, no grace, no bookkeeping: what is left is what the kernel and the containers'
 * servers need to accept that many connections on this machine. Targets come on stdin, one
 * "ADDRESS PORT" a line. The soft descriptor limit is raised to the hard one, so the floor
 * is not held back by a budget the way docknetdoctor's batch is. Exit 1 when a connection
 * failed or did not complete within 10 s (the floor is then not a floor). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_connection(int epoll_fd, const char* address, int port) {
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    socklen_t length;
    if (strchr(address, ':') != NULL) {
        struct sockaddr_in6* v6 = (struct sockaddr_in6*)&storage;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        if (inet_pton(AF_INET6, address, &v6->sin6_addr) != 1) return -1;
        length = sizeof *v6;
    } else {
        struct sockaddr_in* v4 = (struct sockaddr_in*)&storage;
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, address, &v4->sin_addr) != 1) return -1;
        length = sizeof *v4;
    }
    int fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr*)&storage, length) == 0) {
        close(fd);
        return 0;
    }
    if (errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct epoll_event event = {.events = EPOLLOUT, .data.fd = fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
        close(fd);
        return -1;
    }
    return 1;
}

int main(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    char address[128];
    int port = 0, pending = 0, failed = 0;
    while (scanf("%127s %d", address, &port) == 2) {
        int opened = open_connection(epoll_fd, address, port);
        if (opened < 0) ++failed;
        pending += opened > 0;
    }
    struct epoll_event events[256];
    while (pending > 0) {
        int ready = epoll_wait(epoll_fd, events, 256, 10000);
        if (ready <= 0) break;
        for (int k = 0; k < ready; ++k) {
            int error = 0;
            socklen_t size = sizeof error;
            getsockopt(events[k].data.fd, SOL_SOCKET, SO_ERROR, &error, &size);
            failed += error != 0;
            close(events[k].data.fd);
            --pending;
        }
    }
    if (failed > 0 || pending > 0) {
        fprintf(stderr, "connect_floor: %d connections failed, %d did not complete\n", failed, pending);
        return 1;
    }
    return 0;
}
