/* HTTP listeners for tools/bench-checker.sh: one epoll process serves
 * "200 OK" on port PORT of N addresses 127.1.(i/250).(i%250+1), so that a
 * thousand probes a second do not starve on a busy machine.
 * usage: listeners N PORT (prints "ready" once every address listens) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n";

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[1]), port = atoi(argv[2]);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max; /* n listeners plus connections */
	setrlimit(RLIMIT_NOFILE, &rl);
	int ep = epoll_create1(0), one = 1;
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		char a[32];
		snprintf(a, sizeof(a), "127.1.%d.%d", i / 250, i % 250 + 1);
		inet_pton(AF_INET, a, &sa.sin_addr);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 128) != 0) {
			perror(a);
			return 1;
		}
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.u64 = (1ULL << 32) | (unsigned)fd};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	printf("ready\n");
	fflush(stdout);
	struct epoll_event evs[64];
	char buf[4096];
	for (;;) {
		int k = epoll_wait(ep, evs, 64, -1);
		for (int i = 0; i < k; i++) {
			int fd = (int)(evs[i].data.u64 & 0xffffffffu);
			if (evs[i].data.u64 >> 32) {
				int c;
				while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct epoll_event ev = {.events = EPOLLIN,
								 .data.u64 = (unsigned)c};
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r > 0 && !memmem(buf, (size_t)r, "\r\n\r\n", 4))
				continue; /* the rest of the request is coming */
			if (r > 0 && write(fd, resp, sizeof(resp) - 1) < 0)
				r = 0;
			close(fd);
		}
	}
}
