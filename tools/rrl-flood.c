/* rrl-flood: one source floods a server with queries while another asks at
 * a modest pace, to see what rate limiting lets through to the flood and
 * whether the other client loses anything.
 *
 *   rrl-flood -s ADDR:PORT [-f FLOOD_SOURCE] [-r RATE] [-d SECONDS]
 *             [-l LEGIT_SOURCE] [-L LEGIT_RATE] [-n NAME]
 *
 * Defaults: flood from 127.0.0.1 at 100,000 queries/s for 5 s, the other
 * client on 127.0.1.1 (another /24) at 200 queries/s, both asking NAME A
 * (default www.example.test). Loopback addresses only make sense: the
 * sources must be local. Prints what each client sent and got back: the
 * flood's answers, truncated (slipped) and other responses, and the other
 * client's answers, losses and latency. */
#define _GNU_SOURCE
#include "common/sockaddr.h"
#include "dns/name.h"
#include "dns/wire.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define LEGIT_MAX 1000000

static st_sockaddr_t server;
static uint8_t qname[ST_DNS_MAX_NAME];
static size_t qname_len;
static atomic_bool stop;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t make_query(uint8_t *b, uint16_t id)
{
	memset(b, 0, ST_DNS_HEADER_LEN);
	st_put16(b, id);
	st_put16(b + 4, 1);
	memcpy(b + ST_DNS_HEADER_LEN, qname, qname_len);
	size_t n = ST_DNS_HEADER_LEN + qname_len;
	st_put16(b + n, ST_TYPE_A);
	st_put16(b + n + 2, ST_CLASS_IN);
	return n + 4;
}

static int open_from(const char *src)
{
	st_sockaddr_t sa;
	if (st_sockaddr_parse(src, 0, &sa) != 0) {
		fprintf(stderr, "rrl-flood: bad source address %s\n", src);
		exit(2);
	}
	int fd = socket(sa.u.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int big = 4 << 20;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)) < 0 ||
	    bind(fd, &sa.u.sa, sa.len) < 0 || connect(fd, &server.u.sa, server.len) < 0) {
		fprintf(stderr, "rrl-flood: socket from %s: %s\n", src, strerror(errno));
		exit(2);
	}
	return fd;
}

typedef struct counts {
	uint64_t sent, answers, slips, other;
} counts_t;

static void tally(const uint8_t *b, ssize_t n, counts_t *c)
{
	if (n < ST_DNS_HEADER_LEN)
		c->other++;
	else if (b[2] & ST_FLAG1_TC)
		c->slips++;
	else if ((b[3] & 0x0f) == ST_RCODE_NOERROR && st_get16(b + 6) > 0)
		c->answers++;
	else
		c->other++;
}

typedef struct flood {
	const char *src;
	uint64_t rate;
	counts_t c;
} flood_t;

static void *flood_main(void *arg)
{
	flood_t *f = arg;
	int fd = open_from(f->src);
	static uint8_t q[BATCH][512], r[BATCH][512];
	struct mmsghdr out[BATCH], in[BATCH];
	struct iovec ov[BATCH], iv[BATCH];
	memset(out, 0, sizeof(out));
	memset(in, 0, sizeof(in));
	for (unsigned i = 0; i < BATCH; i++) {
		ov[i] = (struct iovec){.iov_base = q[i], .iov_len = make_query(q[i], (uint16_t)i)};
		out[i].msg_hdr.msg_iov = &ov[i];
		out[i].msg_hdr.msg_iovlen = 1;
		iv[i] = (struct iovec){.iov_base = r[i], .iov_len = sizeof(r[i])};
		in[i].msg_hdr.msg_iov = &iv[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	uint64_t t0 = now_ns();
	while (!atomic_load(&stop)) {
		uint64_t due = (now_ns() - t0) * f->rate / 1000000000u;
		if (f->c.sent < due) {
			unsigned n = due - f->c.sent < BATCH ? (unsigned)(due - f->c.sent) : BATCH;
			for (unsigned i = 0; i < n; i++)
				st_put16(q[i], (uint16_t)(f->c.sent + i));
			int k = sendmmsg(fd, out, n, 0);
			if (k > 0)
				f->c.sent += (unsigned)k;
		}
		int k = recvmmsg(fd, in, BATCH, 0, NULL);
		for (int i = 0; i < k; i++)
			tally(r[i], in[i].msg_len, &f->c);
		if (k <= 0 && f->c.sent >= due)
			usleep(50);
	}
	/* What is still on its way. */
	uint64_t end = now_ns() + 1000000000u;
	while (now_ns() < end) {
		int k = recvmmsg(fd, in, BATCH, 0, NULL);
		for (int i = 0; i < k; i++)
			tally(r[i], in[i].msg_len, &f->c);
		if (k <= 0)
			usleep(1000);
	}
	close(fd);
	return NULL;
}

typedef struct legit {
	const char *src;
	uint64_t rate;
	counts_t c;
	uint64_t *sent_at; /* by query number */
	uint64_t *rtt;	   /* of the answered ones */
	size_t n_rtt;
} legit_t;

static void legit_recv(legit_t *l, int fd)
{
	uint8_t b[512];
	ssize_t n;
	while ((n = recv(fd, b, sizeof(b), 0)) > 0) {
		uint16_t id = st_get16(b);
		tally(b, n, &l->c);
		/* Query numbers wrap at 65536; the pace keeps them apart. */
		for (uint64_t k = id; k < l->c.sent; k += 65536) {
			if (l->sent_at[k]) {
				l->rtt[l->n_rtt++] = now_ns() - l->sent_at[k];
				l->sent_at[k] = 0;
				break;
			}
		}
	}
}

static void *legit_main(void *arg)
{
	legit_t *l = arg;
	int fd = open_from(l->src);
	uint8_t q[512];
	uint64_t t0 = now_ns(), step = 1000000000u / l->rate;
	while (!atomic_load(&stop) && l->c.sent < LEGIT_MAX) {
		uint64_t next = t0 + l->c.sent * step;
		if (now_ns() >= next) {
			size_t n = make_query(q, (uint16_t)l->c.sent);
			l->sent_at[l->c.sent] = now_ns();
			if (send(fd, q, n, 0) == (ssize_t)n)
				l->c.sent++;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 1) > 0)
			legit_recv(l, fd);
	}
	uint64_t end = now_ns() + 1000000000u;
	while (now_ns() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 10) > 0)
			legit_recv(l, fd);
	}
	close(fd);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *srv = NULL, *name = "www.example.test";
	flood_t f = {.src = "127.0.0.1", .rate = 100000};
	legit_t l = {.src = "127.0.1.1", .rate = 200};
	double seconds = 5;
	int c;
	while ((c = getopt(argc, argv, "s:f:r:d:l:L:n:h")) != -1) {
		switch (c) {
		case 's':
			srv = optarg;
			break;
		case 'f':
			f.src = optarg;
			break;
		case 'r':
			f.rate = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			seconds = atof(optarg);
			break;
		case 'l':
			l.src = optarg;
			break;
		case 'L':
			l.rate = strtoull(optarg, NULL, 10);
			break;
		case 'n':
			name = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: rrl-flood -s ADDR:PORT [-f FLOOD_SOURCE] [-r RATE] "
				"[-d SECONDS] [-l LEGIT_SOURCE] [-L LEGIT_RATE] [-n NAME]\n");
			return 2;
		}
	}
	int n = srv ? st_name_from_str(name, qname, sizeof(qname)) : -1;
	if (!srv || st_sockaddr_parse(srv, 53, &server) != 0 || n <= 0 || f.rate == 0 ||
	    l.rate == 0 || seconds <= 0) {
		fprintf(stderr, "rrl-flood: need -s ADDR:PORT, a name, rates and a duration\n");
		return 2;
	}
	qname_len = (size_t)n;
	l.sent_at = calloc(LEGIT_MAX, sizeof(*l.sent_at));
	l.rtt = calloc(LEGIT_MAX, sizeof(*l.rtt));
	if (!l.sent_at || !l.rtt)
		return 1;
	pthread_t ft, lt;
	pthread_create(&ft, NULL, flood_main, &f);
	pthread_create(&lt, NULL, legit_main, &l);
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&stop, true);
	pthread_join(ft, NULL);
	pthread_join(lt, NULL);

	printf("flood from %s: %llu queries in %.1f s (%.0f/s): %llu answers (%.0f/s), %llu "
	       "truncated, %llu other, %llu unanswered\n",
	       f.src, (unsigned long long)f.c.sent, seconds, f.c.sent / seconds,
	       (unsigned long long)f.c.answers, f.c.answers / seconds,
	       (unsigned long long)f.c.slips, (unsigned long long)f.c.other,
	       (unsigned long long)(f.c.sent - f.c.answers - f.c.slips - f.c.other));
	qsort(l.rtt, l.n_rtt, sizeof(*l.rtt), cmp_u64);
	uint64_t lost = l.c.sent - l.n_rtt;
	printf("client from %s: %llu queries: %llu answers, %llu truncated, %llu other, %llu lost; "
	       "latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	       l.src, (unsigned long long)l.c.sent, (unsigned long long)l.c.answers,
	       (unsigned long long)l.c.slips, (unsigned long long)l.c.other,
	       (unsigned long long)lost, l.n_rtt ? l.rtt[l.n_rtt / 2] / 1e6 : 0,
	       l.n_rtt ? l.rtt[l.n_rtt * 99 / 100] / 1e6 : 0,
	       l.n_rtt ? l.rtt[l.n_rtt - 1] / 1e6 : 0);
	free(l.sent_at);
	free(l.rtt);
	return lost == 0 && l.c.answers == l.c.sent ? 0 : 1;
}
