/* The edge of an answer: the DNS cookie a query brings (RFC 7873 with RFC
 * 9018 server cookies) and the rate limiting of what goes back over UDP. */
#include "answer/internal.h"
#include "conf/conf.h"
#include "dns/cookie.h"
#include "limit/secret.h"

#include <string.h>
#include <time.h>

void st_edge_cookie(st_answer_ctx_t *ctx, const st_view_t *view, const st_sockaddr_t *client)
{
	st_query_t *q = &ctx->q;
	ctx->cookie = -1;
	if (!q->has_cookie || !view || !view->cookies)
		return;
	uint8_t addr[16], cur[ST_COOKIE_SECRET_LEN], prev[ST_COOKIE_SECRET_LEN];
	unsigned alen = st_sockaddr_ip(client, addr);
	bool has_prev = st_cookie_secret_get(view->cookies, cur, prev);
	uint32_t now = (uint32_t)time(NULL);
	const uint8_t *server = q->cookie + ST_COOKIE_CLIENT_LEN;
	size_t slen = q->cookie_len - ST_COOKIE_CLIENT_LEN;
	st_cookie_verdict_t v = ST_COOKIE_INVALID;
	if (slen > 0) {
		v = st_cookie_check(cur, q->cookie, server, slen, addr, alen, now);
		if (v == ST_COOKIE_INVALID && has_prev)
			v = st_cookie_check(prev, q->cookie, server, slen, addr, alen, now);
	}
	ctx->cookie = slen == 0		       ? ST_COOKIE_SEEN_CLIENT
		      : v == ST_COOKIE_INVALID ? ST_COOKIE_SEEN_INVALID
					       : ST_COOKIE_SEEN_VALID;
	st_stat_inc(&ctx->stats.cookies[ctx->cookie]);
	if (v == ST_COOKIE_VALID) {
		memcpy(q->cookie_reply, server, slen);
		q->cookie_reply_len = (uint8_t)slen;
	} else {
		/* New, invalid, or old enough to renew: one made now with the
		 * current secret. */
		st_cookie_make(cur, q->cookie, addr, alen, now, q->cookie_reply);
		q->cookie_reply_len = ST_COOKIE_SERVER_LEN;
	}
}

st_rrl_action_t st_edge_limit(st_answer_ctx_t *ctx, const st_view_t *view,
			      const st_sockaddr_t *client)
{
	const st_conf_rrl_t *conf = &view->conf->rrl;
	if (ctx->cookie == ST_COOKIE_SEEN_VALID)
		return ST_RRL_SEND;
	st_rrl_resp_t resp = {.cls = ctx->cls,
			      .name = ctx->cls_name,
			      .name_len = ctx->cls_name_len,
			      .qtype = ctx->q.qtype};
	uint8_t addr[16];
	resp.addr = addr;
	resp.addr_len = st_sockaddr_ip(client, addr);
	if (!ctx->rrl || ctx->rrl_size != conf->table_size) {
		/* First use, or a reload changed the size: a new table. */
		st_rrl_free(ctx->rrl);
		ctx->rrl_size = conf->table_size;
		ctx->rrl = st_rrl_new(conf->table_size, ctx->rng ^ ctx->clock(), &ctx->stats.rrl);
		if (!ctx->rrl) {
			ctx->rrl_size = 0;
			return ST_RRL_SEND;
		}
	}
	return st_rrl_account(ctx->rrl, conf, view->rrl_share, &resp, ctx->clock());
}
