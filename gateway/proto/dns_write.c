/* DNS answers the gateway writes itself (blocks, NODATA, SERVFAIL, EDE), queries to the
 * upstreams, and the rewriting of upstream replies for a client. */
#include "dns_write.h"

#include <stdio.h>
#include <string.h>
#include "dns_wire.h"

static void w_put(struct dns_writer *w, const void *p, size_t n)
{
	if (w->overflow || w->len + n > w->cap) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void w_put16(struct dns_writer *w, uint16_t v)
{
	uint8_t b[2];
	wr16(b, v);
	w_put(w, b, 2);
}

static void w_put32(struct dns_writer *w, uint32_t v)
{
	uint8_t b[4];
	wr32(b, v);
	w_put(w, b, 4);
}

/* Owner = the question name (always at offset 12), then type, class IN, TTL. */
static void w_rr_head(struct dns_writer *w, uint16_t type, uint16_t rclass, uint32_t ttl)
{
	static const uint8_t ptr[2] = {0xc0, DNS_HDR_LEN};
	w_put(w, ptr, 2);
	w_put16(w, type);
	w_put16(w, rclass);
	w_put32(w, ttl);
}

void dns_writer_start(struct dns_writer *w, uint8_t *out, size_t cap,
		      const uint8_t *qwire, const struct dns_query *q, int rcode)
{
	w->p = out;
	w->len = 0;
	w->cap = cap;
	w->overflow = false;
	w->an = w->ns = w->ar = 0;
	uint16_t flags = (uint16_t)(DNS_FLAG_QR | DNS_FLAG_RA |
				    (q->flags & (0x7800 | DNS_FLAG_RD | DNS_FLAG_CD)) |
				    (rcode & 0xf));
	uint8_t h[DNS_HDR_LEN] = {0};
	wr16(h, q->id);
	wr16(h + 2, flags);
	if (q->q_end)
		wr16(h + 4, 1);
	w_put(w, h, sizeof h);
	if (q->q_end)
		w_put(w, qwire + DNS_HDR_LEN, q->q_end - DNS_HDR_LEN);
}

void dns_writer_addr(struct dns_writer *w, uint16_t type, uint32_t ttl,
		     const uint8_t *addr, size_t alen)
{
	w_rr_head(w, type, DNS_CLASS_IN, ttl);
	w_put16(w, (uint16_t)alen);
	w_put(w, addr, alen);
	w->an++;
}

void dns_writer_cname(struct dns_writer *w, uint32_t ttl, const char *target, size_t len)
{
	uint8_t wire[DNS_NAME_WIRE_MAX];
	int n = dns_name_to_wire(target, len, wire);
	if (n < 0) {
		w->overflow = true;
		return;
	}
	w_rr_head(w, DNS_TYPE_CNAME, DNS_CLASS_IN, ttl);
	w_put16(w, (uint16_t)n);
	w_put(w, wire, (size_t)n);
	w->an++;
}

/* Decompress the name at off of src into the writer; returns its wire length or -1. */
static int w_copy_name(struct dns_writer *w, const uint8_t *src, size_t slen, size_t off,
		       size_t *next)
{
	char text[DNS_NAME_TEXT_MAX];
	uint8_t wire[DNS_NAME_WIRE_MAX];
	bool odd;
	int n = dns_name_read(src, slen, off, text, &odd, next);
	if (n < 0 || odd || (n = dns_name_to_wire(text, (size_t)n, wire)) < 0) {
		w->overflow = true;
		return -1;
	}
	w_put(w, wire, (size_t)n);
	return n;
}

void dns_writer_copy_rr(struct dns_writer *w, const uint8_t *src, size_t slen,
			const struct dns_rr *rr, uint32_t ttl)
{
	size_t next, p;
	if (w_copy_name(w, src, slen, rr->name_off, &next) < 0)
		return;
	w_put16(w, rr->type);
	w_put16(w, rr->rclass);
	w_put32(w, rr->ttl < ttl ? rr->ttl : ttl);
	size_t len_at = w->len;
	w_put16(w, 0);
	size_t start = w->len;
	int names = 0, head = 0, tail = 0;
	switch (rr->type) {
	case DNS_TYPE_CNAME: case DNS_TYPE_NS: case DNS_TYPE_PTR: case DNS_TYPE_DNAME:
		names = 1;
		break;
	case DNS_TYPE_MX:
		head = 2, names = 1;
		break;
	case DNS_TYPE_SOA:
		names = 2, tail = 20;
		break;
	default:
		w_put(w, src + rr->rdata_off, rr->rdlen);
		goto done;
	}
	if ((size_t)head > rr->rdlen)
		goto bad;
	w_put(w, src + rr->rdata_off, (size_t)head);
	p = rr->rdata_off + (size_t)head;
	for (int i = 0; i < names; i++)
		if (w_copy_name(w, src, rr->end, p, &p) < 0)
			return;
	if (p + (size_t)tail != rr->end)
		goto bad;
	w_put(w, src + p, (size_t)tail);
done:
	if (!w->overflow)
		wr16(w->p + len_at, (uint16_t)(w->len - start));
	w->an++;
	return;
bad:
	w->overflow = true;
}

void dns_writer_soa(struct dns_writer *w, uint32_t ttl)
{
	static const uint8_t names[] =
		"\012campusgate\007invalid\000"
		"\012hostmaster\012campusgate\007invalid\000";
	w_rr_head(w, DNS_TYPE_SOA, DNS_CLASS_IN, ttl);
	w_put16(w, (uint16_t)(sizeof names - 1 + 20));
	w_put(w, names, sizeof names - 1);
	w_put32(w, 1);     /* serial */
	w_put32(w, 3600);  /* refresh */
	w_put32(w, 600);   /* retry */
	w_put32(w, 86400); /* expire */
	w_put32(w, ttl);   /* minimum: the negative TTL (RFC 2308) */
	w->ns++;
}

void dns_writer_opt(struct dns_writer *w, bool do_bit, int ede_code, const char *ede_text)
{
	size_t tlen = ede_code >= 0 && ede_text ? strlen(ede_text) : 0;
	if (tlen > 255)
		tlen = 255;
	w_put(w, "", 1);
	w_put16(w, DNS_TYPE_OPT);
	w_put16(w, DNS_EDNS_OUR_SIZE);
	w_put32(w, do_bit ? 0x8000 : 0);
	if (ede_code >= 0) {
		w_put16(w, (uint16_t)(4 + 2 + tlen));
		w_put16(w, 15); /* EDE */
		w_put16(w, (uint16_t)(2 + tlen));
		w_put16(w, (uint16_t)ede_code);
		w_put(w, ede_text, tlen);
	} else {
		w_put16(w, 0);
	}
	w->ar++;
}

size_t dns_writer_finish(struct dns_writer *w)
{
	if (w->overflow || w->len < DNS_HDR_LEN)
		return 0;
	wr16(w->p + 6, w->an);
	wr16(w->p + 8, w->ns);
	wr16(w->p + 10, w->ar);
	return w->len;
}

size_t dns_build_error(uint8_t *out, size_t cap, const uint8_t *qwire, size_t qlen,
		       const struct dns_query *q, enum dns_reject why, int rcode)
{
	struct dns_writer w;
	struct dns_query hq;
	if (why == DNS_REJ_SHORT || why == DNS_REJ_RESPONSE || qlen < DNS_HDR_LEN)
		return 0;
	hq = *q;
	/* The question is echoed only when it was read whole and is what we answer. */
	if (why == DNS_REJ_OPCODE || why == DNS_REJ_QDCOUNT || why == DNS_REJ_NAME ||
	    why == DNS_REJ_TRUNC || q->q_end > qlen)
		hq.q_end = 0;
	switch (why) {
	case DNS_REJ_OPCODE:
		rcode = DNS_RCODE_NOTIMP;
		break;
	case DNS_REJ_QDCOUNT: case DNS_REJ_NAME: case DNS_REJ_TRUNC: case DNS_REJ_EDNS:
		rcode = DNS_RCODE_FORMERR;
		break;
	case DNS_REJ_BADVERS:
		rcode = DNS_RCODE_NOERROR; /* BADVERS = 16: upper bits in the OPT */
		break;
	default:
		break;
	}
	dns_writer_start(&w, out, cap, qwire, &hq, rcode);
	if (why == DNS_REJ_BADVERS) {
		dns_writer_opt(&w, false, -1, NULL);
		if (!w.overflow)
			out[w.len - 6] = 1; /* extended RCODE: 1 << 4 | 0 = 16 */
	} else if (why != DNS_REJ_EDNS && hq.edns && hq.q_end) {
		dns_writer_opt(&w, hq.do_bit, -1, NULL);
	}
	return dns_writer_finish(&w);
}

size_t dns_build_query(uint8_t *out, size_t cap, uint16_t id, uint16_t flags,
		       const char *name, size_t name_len, uint16_t qtype, uint16_t qclass,
		       bool do_bit)
{
	uint8_t wire[DNS_NAME_WIRE_MAX];
	int n = dns_name_to_wire(name, name_len, wire);
	size_t need = DNS_HDR_LEN + (size_t)(n < 0 ? 0 : n) + 4 + 11;
	if (n < 0 || need > cap)
		return 0;
	memset(out, 0, DNS_HDR_LEN);
	wr16(out, id);
	wr16(out + 2, flags & (DNS_FLAG_RD | DNS_FLAG_CD));
	wr16(out + 4, 1);
	wr16(out + 10, 1);
	size_t p = DNS_HDR_LEN;
	memcpy(out + p, wire, (size_t)n);
	p += (size_t)n;
	wr16(out + p, qtype);
	wr16(out + p + 2, qclass);
	p += 4;
	out[p] = 0;
	wr16(out + p + 1, DNS_TYPE_OPT);
	wr16(out + p + 3, DNS_EDNS_OUR_SIZE);
	wr32(out + p + 5, do_bit ? 0x8000 : 0);
	wr16(out + p + 9, 0);
	return p + 11;
}

size_t dns_reply_for_client(uint8_t *out, size_t cap, const uint8_t *reply, size_t rlen,
			    size_t opt_off, const uint16_t *ttl_offs, size_t n_ttls,
			    uint32_t age, const uint8_t *qwire, const struct dns_query *q,
			    size_t max_len)
{
	/* The upstream's reduced OPT: its EDE options go into ours (for EDNS clients). */
	const uint8_t *ede = NULL;
	size_t ede_len = 0;
	if (opt_off) {
		if (opt_off < q->q_end || opt_off + 11 > rlen || rlen < DNS_HDR_LEN ||
		    rd16(reply + 10) == 0)
			return 0;
		ede = reply + opt_off + 11;
		ede_len = rlen - opt_off - 11;
		rlen = opt_off;
	}
	size_t opt = q->edns ? 11 : 0;
	if (rlen < q->q_end || q->q_end < DNS_HDR_LEN || rlen + opt > cap)
		return 0;
	memcpy(out, reply, rlen);
	if (opt_off)
		wr16(out + 10, (uint16_t)(rd16(out + 10) - 1));
	if (!opt || rlen + opt + ede_len > max_len || rlen + opt + ede_len > cap)
		ede_len = 0; /* EDE is the first thing to go when space is short */
	wr16(out, q->id);
	out[2] &= (uint8_t)~(DNS_FLAG_AA >> 8); /* we are not the authority */
	memcpy(out + DNS_HDR_LEN, qwire + DNS_HDR_LEN, q->q_end - DNS_HDR_LEN);
	if (age) {
		for (size_t i = 0; i < n_ttls; i++) {
			size_t o = ttl_offs[i];
			if (o + 4 > rlen)
				continue;
			uint32_t t = rd32(out + o);
			wr32(out + o, t > age ? t - age : 0);
		}
	}
	size_t len = rlen;
	if (len + opt > max_len) {
		/* Too big for the client's UDP size: TC and the question only (RFC 2181 9). */
		len = q->q_end;
		out[2] |= DNS_FLAG_TC >> 8;
		wr16(out + 6, 0);
		wr16(out + 8, 0);
		wr16(out + 10, 0);
	}
	if (opt) {
		out[len] = 0;
		wr16(out + len + 1, DNS_TYPE_OPT);
		wr16(out + len + 3, DNS_EDNS_OUR_SIZE);
		wr32(out + len + 5, q->do_bit ? 0x8000 : 0);
		wr16(out + len + 9, (uint16_t)ede_len);
		len += 11;
		if (ede_len && len == rlen + 11) { /* not cut to the question */
			memcpy(out + len, ede, ede_len);
			len += ede_len;
		} else {
			wr16(out + len - 2, 0);
		}
		wr16(out + 10, (uint16_t)(rd16(out + 10) + 1));
	}
	return len;
}

size_t dns_reply_strip_opt(uint8_t *buf, size_t len, struct dns_reply_info *ri)
{
	if (!ri->opt_off || ri->opt_off > len)
		return len;
	size_t keep = 0;
	for (size_t i = 0; i < ri->n_ttls; i++)
		if (ri->ttl_offs[i] < ri->opt_off)
			ri->ttl_offs[keep++] = ri->ttl_offs[i];
	ri->n_ttls = keep;
	/* Keep the EDE options (code 15), each whole, moved down to follow a bare header. */
	size_t o = ri->opt_off, w = o + 11, p = o + 11, end = len;
	if (o + 11 <= len) {
		size_t rdlen = rd16(buf + o + 9);
		end = o + 11 + rdlen <= len ? o + 11 + rdlen : o + 11;
	}
	while (p + 4 <= end) {
		size_t olen = rd16(buf + p + 2);
		if (p + 4 + olen > end)
			break;
		if (rd16(buf + p) == 15 && w + 4 + olen - (o + 11) <= DNS_EDE_KEEP_MAX) {
			memmove(buf + w, buf + p, 4 + olen);
			w += 4 + olen;
		}
		p += 4 + olen;
	}
	if (w == o + 11 || o + 11 > len) { /* nothing worth keeping: no OPT at all */
		ri->arcount = ri->opt_index;
		wr16(buf + 10, ri->opt_index);
		ri->opt_off = 0;
		return o;
	}
	buf[o] = 0;
	wr16(buf + o + 1, DNS_TYPE_OPT);
	wr16(buf + o + 3, 0);
	wr32(buf + o + 5, 0);
	wr16(buf + o + 9, (uint16_t)(w - o - 11));
	ri->arcount = (uint16_t)(ri->opt_index + 1);
	wr16(buf + 10, ri->arcount);
	return w;
}

/* The data of an HTTPS/SVCB record without its ech parameter. */
static void w_copy_svcb(struct dns_writer *w, const uint8_t *src, const struct dns_rr *rr)
{
	size_t p = rr->rdata_off + 2;
	if (rr->rdlen < 3) {
		w->overflow = true;
		return;
	}
	w_put(w, src + rr->rdata_off, 2);
	if (w_copy_name(w, src, rr->end, p, &p) < 0)
		return;
	while (p < rr->end) {
		if (p + 4 > rr->end) {
			w->overflow = true;
			return;
		}
		uint16_t key = rd16(src + p), vlen = rd16(src + p + 2);
		if (p + 4 + vlen > rr->end) {
			w->overflow = true;
			return;
		}
		if (key != 5)
			w_put(w, src + p, 4 + (size_t)vlen);
		p += 4 + (size_t)vlen;
	}
}

size_t dns_reply_strip_ech(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct dns_writer w = {.p = out, .cap = cap};
	size_t p;
	if (len < DNS_HDR_LEN || rd16(in + 4) != 1 || dns_name_skip(in, len, DNS_HDR_LEN, &p) < 0 ||
	    p + 4 > len)
		return 0;
	p += 4;
	w_put(&w, in, p);
	size_t total = (size_t)rd16(in + 6) + rd16(in + 8) + rd16(in + 10);
	for (size_t i = 0; i < total; i++) {
		struct dns_rr rr;
		if (dns_rr_read(in, len, p, &rr) < 0)
			return 0;
		p = rr.end;
		if (rr.type != DNS_TYPE_HTTPS && rr.type != DNS_TYPE_SVCB) {
			if (rr.type == DNS_TYPE_OPT)
				w_put(&w, in + rr.name_off, rr.end - rr.name_off);
			else
				dns_writer_copy_rr(&w, in, len, &rr, rr.ttl);
			continue;
		}
		size_t next;
		if (w_copy_name(&w, in, len, rr.name_off, &next) < 0)
			return 0;
		w_put16(&w, rr.type);
		w_put16(&w, rr.rclass);
		w_put32(&w, rr.ttl);
		size_t len_at = w.len;
		w_put16(&w, 0);
		w_copy_svcb(&w, in, &rr);
		if (w.overflow)
			return 0;
		wr16(w.p + len_at, (uint16_t)(w.len - len_at - 2));
	}
	return w.overflow ? 0 : w.len; /* the counts are the original ones, copied above */
}
