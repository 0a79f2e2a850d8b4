/* journal: the writer API: a bounded queue the front ends append to without I/O, and
 * one writer thread that formats, chains, writes (group commit) and forwards events. */
#include "journal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "journal_limit.h"
#include "journal_space.h"
#include "journal_store.h"
#include "journal_syslog.h"
#include "leases.h"
#include "neigh.h"
#include "util.h"

#define QUEUE_DEFAULT 65536
#define DROP_LOG_INTERVAL_NS 10000000000ull
#define TICK_NS 30000000000ull /* an idle writer looks at the day this often */
#define SLOT_KEEP_BYTES 2048 /* a slot's arena above this is freed once written */
#define SPARE_KEEP 4096      /* written slots kept for reuse; more are freed */
/* A woken writer lets events gather this long before it writes them, unless a flush is
 * wanted or the queue fills up (COALESCE_MAX). Waking it for every event made it preempt
 * the DNS worker on the same core once per blocked query: two context switches each. */
#define COALESCE_NS 2000000ull
#define COALESCE_MAX 1024

/* The string fields of an event, in the order a queue slot keeps them. */
enum { S_MAC, S_CNAME, S_GROUP, S_HOST, S_PATH, S_QTYPE, S_CATEGORY, S_ACTION, S_EVENT,
       S_RFILE, S_RTEXT, S_BMODE, S_REASON, S_ACCOUNT, S_TEACHER, S_COUNT };

/* Longest value kept per field, in bytes (the line format caps them again). */
static const size_t str_cap[S_COUNT] = {
	64, 256, 256, 1024, 4096, 32, 256, 64, 64, 1024, 1024, 32, 1024, 64, 256,
};

#define NO_STR UINT32_MAX

/* One queued event: its own copy of every string, in a per-slot arena that grows as
 * needed and is kept for the next event in that slot. Written slots go onto a stack and
 * the next event takes the one freed last, so a queue that is nearly always empty keeps
 * only a few warm slots instead of touching all queue_events of them in turn (65,536
 * slots with their arenas were ~26 MB of RSS in the DNS benchmark). */
struct qslot {
	int64_t time_us;
	enum proto proto;
	struct cg_addr client;
	unsigned rule_line;
	char id[JOURNAL_ID_LEN];
	uint32_t off[S_COUNT];
	char *arena;
	size_t used, cap;
};

struct journal {
	pthread_mutex_t mu;
	pthread_cond_t work;       /* the writer: events queued, a flush wanted, or stop */
	pthread_cond_t done;       /* flushers: the writer has synced more */
	struct qslot **ring;       /* cap queued events; count of them from head */
	size_t cap, head, count;
	struct qslot **spare;      /* written slots for reuse, most recent last */
	size_t n_spare, spare_cap;
	size_t n_slots;            /* slots allocated (queued + spare) */
	size_t coalesce_max;       /* queued events that wake the writer before COALESCE_NS */
	uint64_t enqueued;         /* events ever queued */
	uint64_t synced;           /* events written and fdatasynced */
	uint64_t flush_want;       /* a flusher waits until synced reaches this */
	bool stop;
	uint64_t appended, dropped;
	int64_t last_drop_log_ns;
	uint64_t fsync_ns;
	uint64_t heartbeat_ns;     /* [district] heartbeat_minutes; 0 = none (writer only) */
	uint64_t last_heartbeat_ns;
	pthread_t thread;
	struct jstore store;       /* the writer thread's alone once it runs */
	uint64_t written, write_errors, fsyncs, seq; /* copies of the store's, under mu */
	uint64_t batches;
	uint64_t syslog_sent, syslog_dropped;
	struct jlimit *limit;      /* per-client write limit (under mu), or NULL */
	struct jspace space;       /* the free-space floor (writer only) */
	uint64_t low_space_skipped; /* copy of space.skipped_total, under mu */
	bool low_space;
	uint64_t suppressed;       /* events over it (each interval ends in a summary) */
	unsigned limit_max, limit_interval_s;
	struct neigh *neigh;       /* MACs from the neighbour table (writer only), or NULL */
	struct leases *leases;     /* host names from the DHCP lease file (writer only), or NULL */
	/* event ids: a random per-start prefix and a keyed permutation of a counter */
	_Atomic uint64_t id_counter;
	uint8_t id_key[crypto_shorthash_KEYBYTES];
	char id_prefix[7];
};

/* ---- event ids ------------------------------------------------------------------ */

static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* Crockford, lowercase */

/* A 64-bit keyed permutation (a 4-round Feistel network over SipHash), so that ids are
 * unique for a run yet do not reveal their neighbours. */
static uint64_t id_permute(const uint8_t key[crypto_shorthash_KEYBYTES], uint64_t v)
{
	uint32_t l = (uint32_t)(v >> 32), r = (uint32_t)v;
	for (uint8_t round = 0; round < 4; round++) {
		unsigned char in[5], out[crypto_shorthash_BYTES];
		memcpy(in, &r, 4);
		in[4] = round;
		crypto_shorthash(out, in, sizeof in, key);
		uint32_t f;
		memcpy(&f, out, 4);
		uint32_t t = l ^ f;
		l = r;
		r = t;
	}
	return (uint64_t)l << 32 | r;
}

/* 6 characters of prefix and 13 of the permuted counter: 19 characters. */
static void id_make(struct journal *j, char out[JOURNAL_ID_LEN])
{
	uint64_t n = atomic_fetch_add_explicit(&j->id_counter, 1, memory_order_relaxed);
	uint64_t v = id_permute(j->id_key, n);
	memcpy(out, j->id_prefix, 6);
	for (int i = 12; i >= 0; i--) {
		out[6 + i] = b32[v & 31];
		v >>= 5;
	}
	out[19] = '\0';
}

/* ---- the queue ------------------------------------------------------------------ */

/* Copy s (n bytes, or up to its NUL when n is 0) into the slot; NUL bytes inside a
 * counted string become U+FFFD, as the line format cannot carry them. */
static void slot_put(struct qslot *q, int f, const char *s, size_t n)
{
	if (!s) {
		q->off[f] = NO_STR;
		return;
	}
	if (n == 0)
		n = strnlen(s, str_cap[f]);
	if (n > str_cap[f])
		n = str_cap[f];
	bool has_nul = memchr(s, '\0', n) != NULL;
	size_t need = q->used + (has_nul ? 3 * n : n) + 1;
	if (need > q->cap) {
		size_t c = q->cap ? q->cap : 256;
		while (c < need)
			c *= 2;
		q->arena = xrealloc(q->arena, c);
		q->cap = c;
	}
	q->off[f] = (uint32_t)q->used;
	char *o = q->arena + q->used;
	if (!has_nul) {
		memcpy(o, s, n);
		o += n;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (s[i]) {
				*o++ = s[i];
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
			}
		}
	}
	*o++ = '\0';
	q->used = (size_t)(o - q->arena);
}

static const char *slot_str(const struct qslot *q, int f)
{
	return q->off[f] == NO_STR ? NULL : q->arena + q->off[f];
}

static void slot_fill(struct qslot *q, const struct journal_event *ev)
{
	q->used = 0;
	q->time_us = ev->time_us ? ev->time_us : now_wall_us();
	q->proto = ev->proto;
	q->client = ev->client;
	q->rule_line = ev->rule_line;
	slot_put(q, S_MAC, ev->client_mac, 0);
	slot_put(q, S_CNAME, ev->client_name, 0);
	slot_put(q, S_GROUP, ev->group, 0);
	slot_put(q, S_HOST, ev->host, ev->host_len);
	slot_put(q, S_PATH, ev->path, ev->path_len);
	slot_put(q, S_QTYPE, ev->qtype, 0);
	slot_put(q, S_CATEGORY, ev->category, 0);
	slot_put(q, S_ACTION, ev->action, 0);
	slot_put(q, S_EVENT, ev->event ? ev->event : "hit", 0);
	slot_put(q, S_RFILE, ev->rule_file, 0);
	slot_put(q, S_RTEXT, ev->rule_text, ev->rule_text_len);
	slot_put(q, S_BMODE, ev->block_mode, 0);
	slot_put(q, S_REASON, ev->reason, 0);
	slot_put(q, S_ACCOUNT, ev->account, 0);
	slot_put(q, S_TEACHER, ev->teacher, 0);
}

/* Turn a slot into a record for the store (strings point into the slot). */
static void slot_record(const struct qslot *q, struct journal_record *r, char *client)
{
	memset(r, 0, sizeof *r);
	r->time_us = q->time_us;
	r->id = q->id;
	r->event = slot_str(q, S_EVENT);
	r->proto = proto_name(q->proto);
	r->action = slot_str(q, S_ACTION);
	r->client = q->client.family ? addr_str(&q->client, client) : NULL;
	r->mac = slot_str(q, S_MAC);
	r->client_name = slot_str(q, S_CNAME);
	r->group = slot_str(q, S_GROUP);
	r->host = slot_str(q, S_HOST);
	r->path = slot_str(q, S_PATH);
	r->qtype = slot_str(q, S_QTYPE);
	r->category = slot_str(q, S_CATEGORY);
	r->rule_file = slot_str(q, S_RFILE);
	r->rule_line = q->rule_line;
	r->rule_text = slot_str(q, S_RTEXT);
	r->block_mode = slot_str(q, S_BMODE);
	r->reason = slot_str(q, S_REASON);
	r->account = slot_str(q, S_ACCOUNT);
	r->teacher = slot_str(q, S_TEACHER);
}

/* ---- the writer thread ---------------------------------------------------------- */

static void abs_deadline(struct timespec *ts, uint64_t from_mono_ns, uint64_t delay_ns)
{
	/* The condition variable runs on CLOCK_MONOTONIC (see journal_open). */
	uint64_t t = from_mono_ns + delay_ns;
	ts->tv_sec = (time_t)(t / 1000000000ull);
	ts->tv_nsec = (long)(t % 1000000000ull);
}

/* Free a slot with its arena. */
static void slot_free(struct qslot *q)
{
	free(q->arena);
	free(q);
}

/* Whether the writer should let more events gather before it writes: the batch is not
 * full, and neither a stop nor a flush waits for it. Called with mu held. */
static bool writer_gathering(const struct journal *j)
{
	return j->count < j->coalesce_max && !j->stop && j->flush_want <= j->synced;
}

/* Signals are the main thread's. SCHED_BATCH: when an appender wakes the writer, the
 * writer waits for the core instead of preempting the DNS or HTTP worker that is about
 * to send its answer; it still gets its fair share of the CPU. Failing to switch is
 * harmless. */
static void writer_thread_setup(void)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "cg-journal");
	struct sched_param sp = {0};
	pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
}

/* Wait, with mu held, until there is work: events (then up to COALESCE_NS more for
 * others to gather), a flush, a stop, or the time to sync or to look at the day. */
static void writer_wait(struct journal *j, uint64_t last_sync)
{
	while (j->count == 0 && !j->stop && j->flush_want <= j->synced) {
		/* Written but not synced: sync when the interval is up; idle: look at the
		 * clock now and then for the end of the day. */
		struct timespec ts;
		uint64_t now = now_mono_ns();
		uint64_t due = j->limit ? jlimit_next_ns(j->limit) : UINT64_MAX;
		if (j->heartbeat_ns) {
			uint64_t hb = j->last_heartbeat_ns ? j->last_heartbeat_ns + j->heartbeat_ns : now;
			due = hb < due ? hb : due;
		}
		if (due <= now)
			break; /* a client's summary or the heartbeat is due */
		if (j->store.dirty)
			abs_deadline(&ts, last_sync, j->fsync_ns);
		else
			abs_deadline(&ts, now, due - now < TICK_NS ? due - now : TICK_NS);
		if (pthread_cond_timedwait(&j->work, &j->mu, &ts) == ETIMEDOUT)
			break;
	}
	if (j->count && writer_gathering(j)) {
		/* Appenders signal only the first event of a batch (count 1) or a full one
		 * (coalesce_max), so this wait is not cut short per event. */
		struct timespec ts;
		abs_deadline(&ts, now_mono_ns(), COALESCE_NS);
		while (writer_gathering(j))
			if (pthread_cond_timedwait(&j->work, &j->mu, &ts) == ETIMEDOUT)
				break;
	}
}

/* The writer's own event about the journal (low-space, space-recovered). */
static void writer_note(struct journal *j, const char *event, const char *reason,
			int64_t now_us)
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = now_us;
	r.event = event;
	r.action = event;
	r.id = "-";
	r.reason = reason;
	jstore_write(&j->store, &r, now_us);
}

/* Whether the free-space floor lets q be written; says when it starts and ends. */
static bool writer_room(struct journal *j, int64_t now_us)
{
	struct jspace *sp = &j->space;
	uint64_t now = now_mono_ns();
	enum jspace_state st = jspace_check(sp, now);
	char why[256];
	unsigned long long mb = (unsigned long long)(sp->avail >> 20),
			   floor_mb = (unsigned long long)(sp->min_free >> 20);
	switch (st) {
	case JSPACE_OK:
		return true;
	case JSPACE_WENT_LOW:
		snprintf(why, sizeof why, "%llu MB free, below min_free_mb = %llu: events are "
			 "counted but not written until space is freed", mb, floor_mb);
		log_err("journal %s: LOW SPACE: %s", j->store.dir, why);
		writer_note(j, "low-space", why, now_us);
		jstore_sync(&j->store);
		return false;
	case JSPACE_LOW:
		if (jspace_log_due(sp, now))
			log_err("journal %s: LOW SPACE: %llu MB free, below min_free_mb = %llu: "
				"%llu events not written so far; free space on this file system",
				j->store.dir, mb, floor_mb, (unsigned long long)sp->skipped);
		return false;
	case JSPACE_RECOVERED:
		snprintf(why, sizeof why, "%llu MB free again (min_free_mb = %llu): %llu events "
			 "were not written while space was low", mb, floor_mb,
			 (unsigned long long)sp->skipped);
		log_warn("journal %s: %s", j->store.dir, why);
		writer_note(j, "space-recovered", why, now_us);
		return true;
	}
	return true;
}

/* Write one queued event to the store, with the client's MAC and host name looked up
 * when the front end did not give them. Without mu: the slot is the writer's now. */
static void writer_write(struct journal *j, struct qslot *q, int64_t now_us)
{
	if (!writer_room(j, now_us))
		return;
	struct journal_record r;
	char client[CG_ADDR_STRLEN];
	slot_record(q, &r, client);
	char mac[NEIGH_MAC_STRLEN];
	if (j->neigh && !r.mac && q->client.family && !addr_is_loopback(&q->client) &&
	    neigh_lookup(j->neigh, &q->client, mac) == 0)
		r.mac = mac;
	char hname[LEASES_NAME_MAX];
	if (j->leases && !r.client_name && q->client.family &&
	    leases_lookup(j->leases, &q->client, hname) == 0)
		r.client_name = hname;
	jstore_write(&j->store, &r, now_us);
	if (q->cap > SLOT_KEEP_BYTES) {
		/* a rare large event: do not keep its memory in the ring */
		free(q->arena);
		q->arena = NULL;
		q->cap = 0;
	}
}

/* With mu held: give the n written slots from h back (to the spares, or freed after a
 * burst), and publish the counters; synced says whether they are on disk. */
static void writer_done(struct journal *j, size_t h, size_t n, bool synced)
{
	for (size_t i = 0; i < n; i++) {
		struct qslot *q = j->ring[(h + i) % j->cap];
		if (j->n_spare < j->spare_cap) {
			j->spare[j->n_spare++] = q;
		} else {
			slot_free(q); /* after a burst: give the memory back */
			j->n_slots--;
		}
	}
	j->head = (h + n) % j->cap;
	j->count -= n;
	if (n)
		j->batches++;
	uint64_t done = j->enqueued - j->count;
	if (synced)
		j->synced = done;
	j->written = j->store.written;
	j->write_errors = j->store.write_errors;
	j->fsyncs = j->store.fsyncs;
	j->seq = j->store.seq;
	j->low_space_skipped = j->space.skipped_total;
	j->low_space = j->space.low;
	journal_syslog_counts(j->store.syslog, &j->syslog_sent, &j->syslog_dropped);
	pthread_cond_broadcast(&j->done);
}

/* Queue ev with mu held (at stop only the writer's own summaries: own). -1 when the queue is
 * full: counted as dropped, and *say set when it is time to log that loudly (after mu
 * is released). */
static int queue_locked(struct journal *j, const struct journal_event *ev,
			char id_out[JOURNAL_ID_LEN], bool own, bool *say)
{
	if (j->count == j->cap || (j->stop && !own)) {
		j->dropped++;
		uint64_t now = now_mono_ns();
		if (!j->last_drop_log_ns ||
		    now - (uint64_t)j->last_drop_log_ns >= DROP_LOG_INTERVAL_NS) {
			j->last_drop_log_ns = (int64_t)now;
			*say = true;
		}
		if (id_out)
			id_out[0] = '\0';
		return -1;
	}
	struct qslot *q;
	if (j->n_spare) {
		q = j->spare[--j->n_spare];
	} else {
		q = xcalloc(1, sizeof *q);
		j->n_slots++;
	}
	j->ring[(j->head + j->count) % j->cap] = q;
	id_make(j, q->id);
	slot_fill(q, ev);
	if (id_out)
		memcpy(id_out, q->id, JOURNAL_ID_LEN);
	j->count++;
	j->enqueued++;
	j->appended++;
	if (j->count == 1 || j->count == j->coalesce_max)
		pthread_cond_signal(&j->work);
	return 0;
}

struct summary_ctx {
	struct journal *j;
	bool say;
};

/* Queue the one event that stands for a client's suppressed events (mu held). */
static void summary_queue(void *arg, const struct jlimit_summary *s)
{
	struct summary_ctx *cx = arg;
	char reason[160];
	snprintf(reason, sizeof reason,
		 "%llu more events from this client suppressed (over client_max_events = %u "
		 "in %u s)", (unsigned long long)s->count, cx->j->limit_max,
		 cx->j->limit_interval_s);
	struct journal_event ev = {.proto = s->proto, .client = s->client,
				   .action = "suppressed", .event = "suppressed",
				   .reason = reason};
	queue_locked(cx->j, &ev, NULL, true, &cx->say);
}

static void drop_log(struct journal *j, bool say)
{
	if (!say)
		return;
	pthread_mutex_lock(&j->mu);
	unsigned long long dropped = (unsigned long long)j->dropped;
	pthread_mutex_unlock(&j->mu);
	log_err("journal: queue full (%zu events): event DROPPED, %llu dropped so far; the "
		"disk is too slow or the writer is stuck", j->cap, dropped);
}

static void *writer_main(void *arg)
{
	struct journal *j = arg;
	writer_thread_setup();
	uint64_t last_sync = now_mono_ns();
	pthread_mutex_lock(&j->mu);
	for (;;) {
		writer_wait(j, last_sync);
		size_t n = j->count, h = j->head;
		bool want_sync = j->flush_want > j->synced || j->stop;
		bool stopping = j->stop;
		pthread_mutex_unlock(&j->mu);

		int64_t now_us = now_wall_us();
		for (size_t i = 0; i < n; i++)
			writer_write(j, j->ring[(h + i) % j->cap], now_us);
		jstore_tick(&j->store, now_us);
		uint64_t now = now_mono_ns();
		if (j->heartbeat_ns && !stopping && (j->last_heartbeat_ns == 0 ||
				now - j->last_heartbeat_ns >= j->heartbeat_ns)) {
			/* The district tells a quiet school from a silent one by this. */
			writer_note(j, "heartbeat", NULL, now_us);
			j->last_heartbeat_ns = now;
		}
		jstore_flush(&j->store);
		bool synced = false;
		if (want_sync || now - last_sync >= j->fsync_ns) {
			jstore_sync(&j->store);
			last_sync = now;
			synced = true;
		}

		pthread_mutex_lock(&j->mu);
		writer_done(j, h, n, synced);
		if (j->limit) {
			struct summary_ctx cx = {.j = j};
			jlimit_sweep(j->limit, stopping ? UINT64_MAX : now_mono_ns(),
				     summary_queue, &cx);
			if (cx.say) {
				pthread_mutex_unlock(&j->mu);
				drop_log(j, true);
				pthread_mutex_lock(&j->mu);
			}
		}
		if (stopping && j->count == 0)
			break;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

/* ---- API ------------------------------------------------------------------------ */

struct journal *journal_open(const struct cfg_journal *cfg, const char *zone,
			     const char **err)
{
	if (sodium_init() < 0) {
		*err = "libsodium cannot start";
		return NULL;
	}
	struct journal *j = xcalloc(1, sizeof *j);
	j->cap = cfg->queue_events ? cfg->queue_events : QUEUE_DEFAULT;
	j->coalesce_max = j->cap / 2 < COALESCE_MAX ? j->cap / 2 : COALESCE_MAX;
	if (j->coalesce_max < 2)
		j->coalesce_max = 2; /* 1 is the signal for a batch's first event */
	j->ring = xcalloc(j->cap, sizeof *j->ring);
	j->spare_cap = j->cap < SPARE_KEEP ? j->cap : SPARE_KEEP;
	j->spare = xcalloc(j->spare_cap, sizeof *j->spare);
	/* 0: fdatasync after every batch the writer takes (each wake writes what is
	 * queued, then syncs before it takes the next). */
	j->fsync_ns = (uint64_t)cfg->fsync_interval_ms * 1000000ull;
	if (cfg->school_id && *cfg->school_id)
		j->heartbeat_ns = (uint64_t)cfg->heartbeat_min * 60000000000ull;
	randombytes_buf(j->id_key, sizeof j->id_key);
	uint8_t pre[4];
	randombytes_buf(pre, sizeof pre);
	uint32_t p;
	memcpy(&p, pre, 4);
	for (int i = 0; i < 6; i++) {
		j->id_prefix[i] = b32[p & 31];
		p >>= 5;
	}
	j->id_prefix[6] = '\0';

	if (jstore_open(&j->store, cfg, zone, err) < 0)
		goto fail_store;
	*err = NULL;
	if (cfg->syslog && *cfg->syslog && strcmp(cfg->syslog, "off") != 0) {
		j->store.syslog = journal_syslog_open(cfg->syslog, cfg->school,
							cfg->school_id, err);
		if (!j->store.syslog && *err)
			goto fail;
	}
	if (cfg->lookup_mac)
		j->neigh = neigh_new();
	if (cfg->lookup_mac && cfg->dhcp_leases && *cfg->dhcp_leases)
		j->leases = leases_new(cfg->dhcp_leases);
	j->seq = j->store.seq;
	j->written = j->store.written;
	j->fsyncs = j->store.fsyncs;
	j->limit = jlimit_new(cfg->client_max_events, cfg->client_interval_s);
	jspace_init(&j->space, j->store.dirfd, cfg->min_free_mb);
	j->limit_max = cfg->client_max_events;
	j->limit_interval_s = cfg->client_interval_s;

	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->work, &ca);
	pthread_cond_init(&j->done, NULL);
	pthread_condattr_destroy(&ca);
	int e = pthread_create(&j->thread, NULL, writer_main, j);
	if (e != 0) {
		pthread_cond_destroy(&j->work);
		pthread_cond_destroy(&j->done);
		pthread_mutex_destroy(&j->mu);
		*err = "cannot start the journal writer thread";
		neigh_free(j->neigh);
		leases_free(j->leases);
		jlimit_free(j->limit);
		goto fail;
	}
	return j;
fail:
	if (j->store.syslog)
		journal_syslog_close(j->store.syslog);
	j->store.syslog = NULL;
	jstore_close(&j->store);
fail_store:
	free(j->ring);
	free(j->spare);
	free(j);
	return NULL;
}

int journal_append(struct journal *j, const struct journal_event *ev,
		   char id_out[JOURNAL_ID_LEN])
{
	struct summary_ctx cx = {.j = j};
	int rc = 0;
	pthread_mutex_lock(&j->mu);
	if (j->limit && ev->client.family) {
		struct jlimit_summary due;
		bool have_due;
		uint64_t next_before = jlimit_next_ns(j->limit);
		bool ok = jlimit_take(j->limit, &ev->client, ev->proto, now_mono_ns(), &due,
				      &have_due);
		/* A summary now falls due earlier than the idle writer's wake-up (it may sleep
		 * a TICK_NS): let it recompute, or the summary comes up to 30 s late. */
		if (jlimit_next_ns(j->limit) < next_before)
			pthread_cond_signal(&j->work);
		if (have_due) /* an interval that ended: its summary comes first */
			summary_queue(&cx, &due);
		if (!ok) {
			j->suppressed++;
			if (id_out)
				id_out[0] = '\0';
			goto out;
		}
	}
	rc = queue_locked(j, ev, id_out, false, &cx.say);
out:
	pthread_mutex_unlock(&j->mu);
	drop_log(j, cx.say);
	return rc;
}

void journal_flush(struct journal *j)
{
	pthread_mutex_lock(&j->mu);
	uint64_t target = j->enqueued;
	if (j->flush_want < target)
		j->flush_want = target;
	pthread_cond_signal(&j->work);
	while (j->synced < target)
		pthread_cond_wait(&j->done, &j->mu);
	pthread_mutex_unlock(&j->mu);
}

void journal_get_stats(struct journal *j, struct journal_stats *st)
{
	pthread_mutex_lock(&j->mu);
	st->appended = j->appended;
	st->written = j->written;
	st->dropped = j->dropped;
	st->write_errors = j->write_errors;
	st->fsyncs = j->fsyncs;
	st->synced = j->synced;
	st->seq = j->seq;
	st->batches = j->batches;
	st->slots = j->n_slots;
	st->syslog_sent = j->syslog_sent;
	st->syslog_dropped = j->syslog_dropped;
	st->suppressed = j->suppressed;
	st->low_space = j->low_space;
	st->low_space_skipped = j->low_space_skipped;
	pthread_mutex_unlock(&j->mu);
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	jstore_close(&j->store); /* its last digest still goes to syslog */
	if (j->store.syslog)
		journal_syslog_close(j->store.syslog);
	j->store.syslog = NULL;
	neigh_free(j->neigh);
	leases_free(j->leases);
	jlimit_free(j->limit);
	for (size_t i = 0; i < j->count; i++) /* none after the writer's last round */
		slot_free(j->ring[(j->head + i) % j->cap]);
	for (size_t i = 0; i < j->n_spare; i++)
		slot_free(j->spare[i]);
	free(j->ring);
	free(j->spare);
	pthread_cond_destroy(&j->work);
	pthread_cond_destroy(&j->done);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

void journal_event_from(struct journal_event *ev, const struct request *req,
			const struct verdict *v)
{
	memset(ev, 0, sizeof *ev);
	ev->proto = req->proto;
	ev->client = req->client;
	ev->host = req->host;
	ev->host_len = req->host_len;
	ev->path = req->path;
	ev->path_len = req->path ? req->path_len : 0;
	ev->group = v->group;
	ev->category = v->category;
	ev->action = v->bypass && v->action == ACTION_BLOCK ? "bypass" : action_name(v->action);
	ev->event = v->bypass ? "bypass" : "hit";
	if (v->rule.kind != RULE_NONE) {
		ev->rule_file = v->rule.file;
		ev->rule_line = v->rule.line;
		ev->rule_text = v->rule.text;
		ev->rule_text_len = v->rule.text ? v->rule.text_len : 0;
	}
	if (v->allowlisted)
		ev->reason = "allowlisted";
	else if (v->pattern_limit)
		ev->reason = msg(LANG_EN, MSG_R_PATTERN_LIMIT);
	else if (v->timetable_applied)
		ev->reason = v->timetable_active ? "timetable in force" : "timetable not in force";
}
