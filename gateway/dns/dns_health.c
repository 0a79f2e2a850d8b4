/* dns_health: per-upstream answer and failure counters, the "down" state and its logs. */
#include "dns_health.h"

#include <stdio.h>
#include <string.h>

void dns_health_init(struct dns_health *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
}

void dns_health_destroy(struct dns_health *h)
{
	pthread_mutex_destroy(&h->lock);
}

static struct dns_upstream_health *find(struct dns_health *h, const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(h->up[i].name, name) == 0)
			return &h->up[i];
	return NULL;
}

struct dns_upstream_health *dns_health_slot(struct dns_health *h, const struct cg_endpoint *ep)
{
	char name[64];
	endpoint_str(ep, name, sizeof(name));
	pthread_mutex_lock(&h->lock);
	struct dns_upstream_health *u = find(h, name, h->n);
	if (!u && h->n < DNS_HEALTH_MAX) {
		u = &h->up[h->n];
		snprintf(u->name, sizeof(u->name), "%s", name);
		h->n++;  /* after the name: readers scan only the first n */
	}
	pthread_mutex_unlock(&h->lock);
	return u;
}

bool dns_health_down(const struct dns_upstream_health *u)
{
	return atomic_load_explicit(&u->fails_in_row, memory_order_relaxed) >=
	       DNS_HEALTH_DOWN_AFTER;
}

void dns_health_answered(struct dns_upstream_health *u, time_t now)
{
	if (!u)
		return;
	atomic_fetch_add_explicit(&u->answered, 1, memory_order_relaxed);
	atomic_store_explicit(&u->last_answer, (long long)now, memory_order_relaxed);
	unsigned was = atomic_exchange_explicit(&u->fails_in_row, 0, memory_order_relaxed);
	if (was >= DNS_HEALTH_DOWN_AFTER)
		log_info("dns: upstream %s answers again (after %u failed tries)", u->name, was);
}

/* Whether this thread should warn now: at most once per DNS_HEALTH_WARN_EVERY. */
static bool warn_due(struct dns_upstream_health *u, time_t now)
{
	long long last = atomic_load_explicit(&u->last_warned, memory_order_relaxed);
	if (last && now - last < DNS_HEALTH_WARN_EVERY)
		return false;
	return atomic_compare_exchange_strong(&u->last_warned, &last, (long long)now);
}

void dns_health_failed(struct dns_upstream_health *u, enum dns_health_fail why,
		       unsigned timeout_ms, time_t now)
{
	if (!u)
		return;
	atomic_fetch_add_explicit(why == DNS_HEALTH_TIMEOUT ? &u->timeouts : &u->errors, 1,
				  memory_order_relaxed);
	atomic_store_explicit(&u->last_failure, (long long)now, memory_order_relaxed);
	unsigned row = atomic_fetch_add_explicit(&u->fails_in_row, 1, memory_order_relaxed) + 1;
	if (!warn_due(u, now))
		return;
	unsigned long long t = atomic_load_explicit(&u->timeouts, memory_order_relaxed);
	unsigned long long e = atomic_load_explicit(&u->errors, memory_order_relaxed);
	long long ok = atomic_load_explicit(&u->last_answer, memory_order_relaxed);
	char last[48] = "never";
	if (ok)
		snprintf(last, sizeof(last), "%lld s ago", (long long)now - ok);
	const char *what = why == DNS_HEALTH_TIMEOUT ? "did not answer within"
			   : why == DNS_HEALTH_SEND  ? "could not be sent a query (network error);"
						     : "answered with an error;";
	if (why == DNS_HEALTH_TIMEOUT)
		log_warn("dns: upstream %s %s %u ms (%u failed tries in a row; %llu timeouts, %llu "
			 "errors so far; last answer %s); clients get SERVFAIL when no upstream "
			 "answers (logged at most once a minute)", u->name, what, timeout_ms, row, t,
			 e, last);
	else
		log_warn("dns: upstream %s %s %u failed tries in a row (%llu timeouts, %llu errors "
			 "so far; last answer %s); clients get SERVFAIL when no upstream answers "
			 "(logged at most once a minute)", u->name, what, row, t, e, last);
}

void dns_health_status(struct dns_health *h, const struct cg_endpoint *ups, size_t n_ups,
		       time_t now, struct sbuf *out)
{
	pthread_mutex_lock(&h->lock);
	size_t n = h->n;
	pthread_mutex_unlock(&h->lock);
	for (size_t i = 0; i < n_ups; i++) {
		char name[64];
		endpoint_str(&ups[i], name, sizeof(name));
		struct dns_upstream_health *u = find(h, name, n);
		if (!u) {
			sbuf_printf(out, "upstream %s unused answered 0 timeouts 0 errors 0 "
					 "last_answer_s -1\n", name);
			continue;
		}
		long long ok = atomic_load_explicit(&u->last_answer, memory_order_relaxed);
		unsigned long long a = atomic_load_explicit(&u->answered, memory_order_relaxed);
		sbuf_printf(out, "upstream %s %s answered %llu timeouts %llu errors %llu "
				 "last_answer_s %lld\n", name,
			    dns_health_down(u) ? "down"
			    : atomic_load_explicit(&u->fails_in_row, memory_order_relaxed) ? "failing"
			    : a ? "up" : "unused", a,
			    (unsigned long long)atomic_load_explicit(&u->timeouts, memory_order_relaxed),
			    (unsigned long long)atomic_load_explicit(&u->errors, memory_order_relaxed),
			    ok ? (long long)now - ok : -1LL);
	}
}
