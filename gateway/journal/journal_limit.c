/* journal_limit: per-client event counts in a fixed table (keyed hash, short probes;
 * when a probe finds no room the client seen longest ago is forgotten, its summary
 * handed out first). */
#include "journal_limit.h"

#include <sodium.h>
#include <string.h>

#include "util.h"

#define JL_SLOTS 4096 /* clients tracked at once */
#define JL_PROBE 8

struct jl_slot {
	struct cg_addr key;      /* addr_client_key() */
	struct cg_addr last;     /* the last address seen */
	uint64_t start_ns;       /* this interval's start */
	uint64_t count;          /* events in it */
	uint64_t suppressed;     /* of those, not written */
	enum proto proto;
	bool used;
};

struct jlimit {
	uint64_t max_events, interval_ns;
	uint64_t next_ns;        /* the earliest interval end with suppressed events */
	uint64_t suppressed;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct jl_slot slots[JL_SLOTS];
};

struct jlimit *jlimit_new(unsigned max_events, unsigned interval_s)
{
	if (max_events == 0 || interval_s == 0)
		return NULL;
	struct jlimit *l = xcalloc(1, sizeof *l);
	l->max_events = max_events;
	l->interval_ns = (uint64_t)interval_s * 1000000000ull;
	l->next_ns = UINT64_MAX;
	randombytes_buf(l->hkey, sizeof l->hkey);
	return l;
}

void jlimit_free(struct jlimit *l)
{
	free(l);
}

static bool key_eq(const struct cg_addr *a, const struct cg_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, sizeof a->a) == 0;
}

static bool ended(const struct jlimit *l, const struct jl_slot *s, uint64_t now_ns)
{
	return now_ns - s->start_ns >= l->interval_ns;
}

/* The summary of s's interval, if it suppressed anything; s starts afresh at now_ns. */
static bool slot_restart(struct jl_slot *s, uint64_t now_ns, struct jlimit_summary *due)
{
	bool have = s->suppressed > 0;
	if (have) {
		due->client = s->last;
		due->proto = s->proto;
		due->count = s->suppressed;
	}
	s->start_ns = now_ns;
	s->count = 0;
	s->suppressed = 0;
	return have;
}

/* How willing a slot is to be taken by another client: 0 free, 1 its interval is over
 * with nothing to say, 2 in use (the oldest of those goes). */
static int slot_rank(const struct jlimit *l, const struct jl_slot *s, uint64_t now_ns)
{
	if (!s->used)
		return 0;
	return ended(l, s, now_ns) && s->suppressed == 0 ? 1 : 2;
}

/* The slot for key: its own (*found), else a free or finished one, else the oldest. */
static struct jl_slot *slot_find(struct jlimit *l, const struct cg_addr *key, uint64_t now_ns,
				 bool *found)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, key->a, sizeof key->a, l->hkey);
	uint64_t hv;
	memcpy(&hv, h, sizeof hv);
	struct jl_slot *victim = NULL;
	int vrank = 3;
	*found = false;
	for (size_t i = 0; i < JL_PROBE; i++) {
		struct jl_slot *s = &l->slots[(hv + i) % JL_SLOTS];
		if (s->used && key_eq(&s->key, key)) {
			*found = true;
			return s;
		}
		int r = slot_rank(l, s, now_ns);
		if (r < vrank || (r == vrank && s->start_ns < victim->start_ns)) {
			victim = s;
			vrank = r;
		}
	}
	return victim;
}

bool jlimit_take(struct jlimit *l, const struct cg_addr *client, enum proto proto,
		 uint64_t now_ns, struct jlimit_summary *due, bool *have_due)
{
	struct cg_addr key;
	bool found;
	addr_client_key(client, &key);
	struct jl_slot *s = slot_find(l, &key, now_ns, &found);
	*have_due = false;
	if (!found) {
		if (s->used) /* forgotten to make room: its count is said first */
			*have_due = slot_restart(s, now_ns, due);
		memset(s, 0, sizeof *s);
		s->used = true;
		s->key = key;
		s->start_ns = now_ns;
	} else if (ended(l, s, now_ns)) {
		*have_due = slot_restart(s, now_ns, due);
	}
	s->last = *client;
	if (++s->count <= l->max_events)
		return true;
	if (s->suppressed++ == 0 && s->start_ns + l->interval_ns < l->next_ns)
		l->next_ns = s->start_ns + l->interval_ns;
	s->proto = proto;
	l->suppressed++;
	return false;
}

void jlimit_sweep(struct jlimit *l, uint64_t now_ns, jlimit_summary_cb cb, void *arg)
{
	if (now_ns < l->next_ns)
		return;
	uint64_t next = UINT64_MAX;
	for (size_t i = 0; i < JL_SLOTS; i++) {
		struct jl_slot *s = &l->slots[i];
		if (!s->used || s->suppressed == 0)
			continue;
		if (ended(l, s, now_ns)) {
			struct jlimit_summary sum;
			slot_restart(s, now_ns, &sum);
			s->used = false; /* its interval is over: nothing to remember */
			cb(arg, &sum);
		} else if (s->start_ns + l->interval_ns < next) {
			next = s->start_ns + l->interval_ns;
		}
	}
	l->next_ns = next;
}

uint64_t jlimit_next_ns(const struct jlimit *l)
{
	return l->next_ns;
}

uint64_t jlimit_suppressed(const struct jlimit *l)
{
	return l->suppressed;
}
