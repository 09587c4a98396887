/* UDP workers: one thread per socket, SO_REUSEPORT sockets, recvmmsg and
 * sendmmsg batches, preallocated buffers, the view read under RCU (QSBR). */
#define _GNU_SOURCE
#define _LGPL_SOURCE
#include "net/udp.h"
#include "net/sock.h"
#include "net/coalesce.h"
#include "answer/answer.h"
#include "common/log.h"
#include "common/thread.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#define UDP_BATCH ST_ANSWER_BATCH_MAX
/* Queries larger than this are dropped (MSG_TRUNC); 4096 covers any sane EDNS query. */
#define UDP_INBUF 4096
/* Answers are capped by udp_max_payload (512..4096). */
#define UDP_OUTBUF 4096
/* Fallback wake-up so that a stop is seen even if shutdown() did not wake us. */
#define UDP_RCVTIMEO_MS 500
/* Coalescing (server.coalesce_us, net/coalesce.h): after a batch of 2 ..
 * UDP_BATCH/2 queries (a steady stream that is not filling batches), wait
 * before receiving again, so that the next batch is larger. Each wake-up
 * costs a context switch and a pair of system calls, more than answering
 * a query; at 50,000 queries/s waiting 200 us cuts them to about a third
 * and the CPU per query by 20-40%, for at most 200 us (plus timer slack)
 * of added latency; a wait that overran (a busy CPU) and still found a
 * small batch pauses waiting.
 * Single queries (light load) and full batches (heavy load) never wait. */

typedef union udp_cmsg {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
} udp_cmsg_t;

typedef struct udp_thread {
	struct st_udp *udp;
	int fd;
	bool pktinfo; /* wildcard bind: reply from the address that was queried */
	bool started;
	pthread_t tid;
	st_answer_ctx_t *ctx;
	st_coalesce_t coalesce;
	struct mmsghdr in[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec iov_in[UDP_BATCH];
	struct iovec iov_out[UDP_BATCH];
	st_sockaddr_t peer[UDP_BATCH];
	udp_cmsg_t cin[UDP_BATCH];
	udp_cmsg_t cout[UDP_BATCH];
	st_answer_msg_t msg[UDP_BATCH];
	unsigned msg_of[UDP_BATCH]; /* slot of each message in the batch */
	uint8_t qbuf[UDP_BATCH][UDP_INBUF];
	uint8_t abuf[UDP_BATCH][UDP_OUTBUF];
} udp_thread_t;

struct st_udp {
	st_view_t *const *viewp;
	_Atomic long coalesce_ns; /* changed by a reload (st_udp_set_coalesce) */
	atomic_bool stop;
	size_t n_threads;
	udp_thread_t **threads;
};

/* One control message in out: its size. */
static size_t put_cmsg(udp_cmsg_t *out, int level, int type, const void *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	struct cmsghdr *o = &out->align;
	o->cmsg_level = level;
	o->cmsg_type = type;
	o->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(o), data, len);
	return CMSG_SPACE(len);
}

/* Copy the destination address of a received datagram into the control
 * message of its reply, so the reply leaves from the queried address. */
static size_t reply_cmsg(const udp_thread_t *t, size_t i, udp_cmsg_t *out)
{
	const struct msghdr *mh = &t->in[i].msg_hdr;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			struct in_pktinfo reply = {.ipi_ifindex = 0, .ipi_spec_dst = pi.ipi_addr};
			return put_cmsg(out, IPPROTO_IP, IP_PKTINFO, &reply, sizeof(reply));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* Keep the interface: a link-local source needs it. */
			return put_cmsg(out, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
		}
	}
	return 0;
}

static void udp_send(udp_thread_t *t, unsigned n)
{
	unsigned sent = 0;
	while (sent < n) {
		int r = sendmmsg(t->fd, t->out + sent, n - sent, 0);
		if (r > 0) {
			sent += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* The first remaining reply failed (peer unreachable, buffer
		 * error): drop it, keep the others. */
		sent++;
	}
}

static void udp_prepare(udp_thread_t *t)
{
	for (size_t i = 0; i < UDP_BATCH; i++) {
		t->iov_in[i] = (struct iovec){.iov_base = t->qbuf[i], .iov_len = UDP_INBUF};
		struct msghdr *mh = &t->in[i].msg_hdr;
		mh->msg_name = &t->peer[i].u.ss;
		mh->msg_namelen = sizeof(t->peer[i].u.ss);
		mh->msg_iov = &t->iov_in[i];
		mh->msg_iovlen = 1;
		mh->msg_control = t->pktinfo ? t->cin[i].buf : NULL;
		mh->msg_controllen = t->pktinfo ? sizeof(t->cin[i].buf) : 0;
		t->out[i].msg_hdr.msg_iov = &t->iov_out[i];
		t->out[i].msg_hdr.msg_iovlen = 1;
	}
}

static void *udp_main(void *arg)
{
	udp_thread_t *t = arg;
	st_udp_t *udp = t->udp;
	unsigned used = 0;

	udp_prepare(t);
	rcu_register_thread();
	rcu_thread_offline();
	while (!atomic_load_explicit(&udp->stop, memory_order_relaxed)) {
		/* The kernel overwrote these in the slots used last time. */
		for (unsigned i = 0; i < used; i++) {
			struct msghdr *mh = &t->in[i].msg_hdr;
			mh->msg_namelen = sizeof(t->peer[i].u.ss);
			if (t->pktinfo)
				mh->msg_controllen = sizeof(t->cin[i].buf);
		}
		/* Offline while blocked: a reload never waits for an idle worker. */
		int n = recvmmsg(t->fd, t->in, UDP_BATCH, MSG_WAITFORONE, NULL);
		st_coalesce_gathered(&t->coalesce, n > 0 ? (unsigned)n : 0, UDP_BATCH / 2);
		if (n <= 0) {
			used = 0;
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    !atomic_load_explicit(&udp->stop, memory_order_relaxed)) {
				st_log_warn("udp, receive failed (%s)", strerror(errno));
				usleep(1000);
			}
			continue;
		}
		used = (unsigned)n;

		unsigned n_msg = 0;
		for (unsigned i = 0; i < used; i++) {
			struct msghdr *mh = &t->in[i].msg_hdr;
			if (mh->msg_flags & MSG_TRUNC)
				continue;
			t->peer[i].len = mh->msg_namelen;
			t->msg[n_msg] = (st_answer_msg_t){.query = t->qbuf[i],
							  .len = t->in[i].msg_len,
							  .client = &t->peer[i],
							  .out = t->abuf[i],
							  .outcap = UDP_OUTBUF};
			t->msg_of[n_msg++] = i;
		}
		rcu_thread_online();
		st_answer_batch(t->ctx, rcu_dereference(*udp->viewp), t->msg, n_msg,
				ST_TRANSPORT_UDP);
		/* Done with the view for this batch: a quiescent state until the next one. */
		rcu_thread_offline();
		unsigned m = 0;
		for (unsigned k = 0; k < n_msg; k++) {
			unsigned i = t->msg_of[k];
			size_t len = t->msg[k].out_len;
			if (len == 0)
				continue;
			struct msghdr *oh = &t->out[m].msg_hdr;
			oh->msg_name = &t->peer[i].u.ss;
			oh->msg_namelen = t->peer[i].len;
			t->iov_out[m].iov_base = t->abuf[i];
			t->iov_out[m].iov_len = len;
			if (t->pktinfo) {
				oh->msg_controllen = reply_cmsg(t, i, &t->cout[m]);
				oh->msg_control = oh->msg_controllen ? t->cout[m].buf : NULL;
			} else {
				oh->msg_control = NULL;
				oh->msg_controllen = 0;
			}
			m++;
		}
		if (m)
			udp_send(t, m);
		if (used >= 2 && used <= UDP_BATCH / 2)
			st_coalesce_wait(&t->coalesce, (uint64_t)atomic_load_explicit(
							   &t->udp->coalesce_ns, memory_order_relaxed));
	}
	rcu_unregister_thread();
	return NULL;
}

int st_udp_new(const st_sockaddr_t *listen, size_t n_listen, unsigned workers,
	       unsigned coalesce_us, st_view_t *const *viewp, st_udp_t **out, st_diag_t *diag)
{
	if (workers == 0)
		workers = 1;
	st_udp_t *udp = calloc(1, sizeof(*udp));
	if (!udp)
		return ST_ENOMEM;
	udp->viewp = viewp;
	atomic_init(&udp->coalesce_ns, (long)coalesce_us * 1000);
	atomic_init(&udp->stop, false);
	udp->threads = calloc(n_listen * workers, sizeof(*udp->threads));
	if (!udp->threads) {
		free(udp);
		return ST_ENOMEM;
	}

	struct timeval tv = {.tv_sec = 0, .tv_usec = UDP_RCVTIMEO_MS * 1000};
	int ret = 0;
	for (size_t a = 0; a < n_listen && ret == 0; a++) {
		ret = st_sock_udp_unused(&listen[a], diag);
		for (unsigned w = 0; w < workers && ret == 0; w++) {
			udp_thread_t *t = calloc(1, sizeof(*t));
			if (!t) {
				ret = ST_ENOMEM;
				break;
			}
			t->fd = -1;
			udp->threads[udp->n_threads++] = t;
			t->udp = udp;
			t->pktinfo = st_sock_is_wildcard(&listen[a]);
			ret = st_sock_listen(&listen[a], SOCK_DGRAM, &t->fd, diag);
			if (ret != 0)
				break;
			(void)setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			t->ctx = st_answer_ctx_new(st_sock_seed());
			if (!t->ctx) {
				ret = ST_ENOMEM;
				break;
			}
		}
	}
	if (ret != 0) {
		st_udp_free(udp);
		return ret;
	}
	*out = udp;
	return 0;
}

void st_udp_set_coalesce(st_udp_t *udp, unsigned coalesce_us)
{
	if (udp)
		atomic_store_explicit(&udp->coalesce_ns, (long)coalesce_us * 1000,
				      memory_order_relaxed);
}

int st_udp_start(st_udp_t *udp, st_diag_t *diag)
{
	int ret = 0;
	for (size_t i = 0; i < udp->n_threads; i++) {
		udp_thread_t *t = udp->threads[i];
		int err = st_thread_start(&t->tid, udp_main, t);
		if (err != 0) {
			ret = st_diag_set(diag, err, "udp, cannot start worker (%s)",
					  strerror(-err));
			break;
		}
		t->started = true;
	}
	if (ret != 0)
		st_udp_stop(udp);
	return ret;
}

void st_udp_stop(st_udp_t *udp)
{
	if (!udp)
		return;
	atomic_store(&udp->stop, true);
	/* Wakes threads blocked in recvmmsg (Linux; the receive timeout is the fallback). */
	for (size_t i = 0; i < udp->n_threads; i++)
		if (udp->threads[i]->fd >= 0)
			shutdown(udp->threads[i]->fd, SHUT_RDWR);
	for (size_t i = 0; i < udp->n_threads; i++) {
		udp_thread_t *t = udp->threads[i];
		if (t->started) {
			pthread_join(t->tid, NULL);
			t->started = false;
		}
	}
}

void st_udp_free(st_udp_t *udp)
{
	if (!udp)
		return;
	st_udp_stop(udp);
	for (size_t i = 0; i < udp->n_threads; i++) {
		udp_thread_t *t = udp->threads[i];
		if (t->fd >= 0)
			close(t->fd);
		st_answer_ctx_free(t->ctx);
		free(t);
	}
	free(udp->threads);
	free(udp);
}

size_t st_udp_ctx_count(const st_udp_t *udp)
{
	return udp ? udp->n_threads : 0;
}

struct st_answer_ctx *st_udp_ctx(st_udp_t *udp, size_t i)
{
	return i < udp->n_threads ? udp->threads[i]->ctx : NULL;
}
