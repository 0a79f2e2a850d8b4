/* The HTTP front end: transparent, explicit and block-page listeners on worker threads
 * (one event base and one SO_REUSEPORT socket per listener per worker). */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connlimit.h"
#include "dns_lookup.h"
#include "evloop.h"
#include "http_client.h"
#include "http_conn.h"
#include "http_review.h"
#include "http_tunnel.h"
#include "util.h"

struct http_listener {
	struct http_worker *w;
	enum http_mode mode;
	struct evconnlistener *l;
};

struct http_server {
	struct http_shared sh;
	struct evloops loops;
	struct http_worker *workers;
	struct http_listener *listeners;
	size_t n_listeners;
};

static void settings_from(const struct config *cfg, struct http_settings *s)
{
	const struct cfg_http *h = &cfg->http;
	memset(s, 0, sizeof(*s));
	s->max_conns = h->max_conns;
	s->max_conns_per_client = h->max_conns_per_client;
	s->head_timeout_ms = h->head_timeout_ms ? h->head_timeout_ms : 10000;
	s->idle_timeout_ms = h->idle_timeout_ms ? h->idle_timeout_ms : 60000;
	s->max_head_bytes = h->max_head_bytes ? h->max_head_bytes : 65536;
	s->max_line_bytes = h->max_line_bytes ? h->max_line_bytes : 8192;
	s->max_headers = h->max_headers ? h->max_headers : 100;
	s->parent = h->parent;
	s->lang = cfg->language ? lang_parse(cfg->language, LANG_ZH) : LANG_ZH;
	snprintf(s->school, sizeof(s->school), "%s", cfg->journal.school ? cfg->journal.school : "");
	snprintf(s->contact, sizeof(s->contact), "%s",
		 cfg->journal.contact ? cfg->journal.contact : "");
	memcpy(s->connect_ports, h->connect_ports, sizeof(s->connect_ports));
	s->n_connect_ports = h->n_connect_ports;
	s->tunnel_idle_ms = h->tls_idle_timeout_ms ? h->tls_idle_timeout_ms : 600000;
	s->review_limit = h->review_limit;
	s->review_window = h->review_window;
}

/* Where CONNECT never goes, from connect_deny: the fixed ranges, the admin's subnets,
 * every group's subnets (the LAN) and the box's own addresses, read now. */
static struct denyset *deny_from(const struct config *cfg)
{
	const struct cfg_http *h = &cfg->http;
	struct denyset *d = denyset_new(h->connect_deny & CFG_DENY_LOOPBACK,
					h->connect_deny & CFG_DENY_LINK_LOCAL);
	for (size_t i = 0; i < h->n_connect_deny_nets; i++)
		denyset_add(d, &h->connect_deny_nets[i]);
	if (h->connect_deny & CFG_DENY_LAN)
		for (size_t i = 0; i < cfg->n_groups; i++)
			for (size_t j = 0; j < cfg->groups[i].n_subnets; j++)
				denyset_add(d, &cfg->groups[i].subnets[j]);
	if ((h->connect_deny & CFG_DENY_SELF) && denyset_add_interfaces(d) < 0)
		log_warn("http: cannot read the interface addresses (%s); CONNECT to the "
			 "gateway's own addresses is refused only where loopback or the LAN "
			 "covers them", strerror(errno));
	return d;
}

#define RESOLV_CONF_MAX 8

/* Where the explicit proxy's lookups go (dns_lookup: the answers' CNAME chains decided
 * for the client): the configured [dns] upstreams (the router's /etc/resolv.conf may
 * name anything), or without any, the nameservers of /etc/resolv.conf after all (read
 * with evdns on base, which parses the file as the C library does). The count. */
static size_t upstreams_from(const struct config *cfg, struct event_base *base,
			     struct cg_endpoint ups[RESOLV_CONF_MAX], const struct cg_endpoint **out)
{
	if (cfg->dns.n_upstream) {
		*out = cfg->dns.upstream;
		return cfg->dns.n_upstream;
	}
	size_t n = 0;
	struct evdns_base *rc = evdns_base_new(base, 0);
	if (rc && evdns_base_resolv_conf_parse(rc, DNS_OPTION_NAMESERVERS, "/etc/resolv.conf") == 0)
		for (int i = 0; n < RESOLV_CONF_MAX; i++) {
			struct sockaddr_storage ss;
			int sl = evdns_base_get_nameserver_addr(rc, i, (struct sockaddr *)&ss,
								sizeof ss);
			if (sl <= 0 || (size_t)sl > sizeof ss)
				break;
			addr_from_sockaddr((struct sockaddr *)&ss, &ups[n].addr);
			ups[n].port = ntohs(ss.ss_family == AF_INET6
						    ? ((struct sockaddr_in6 *)&ss)->sin6_port
						    : ((struct sockaddr_in *)&ss)->sin_port);
			n++;
		}
	if (rc)
		evdns_base_free(rc, 0);
	log_warn("http: no [dns] upstream: the explicit proxy resolves names through the %zu "
		 "nameserver(s) of /etc/resolv.conf", n);
	*out = ups;
	return n;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int sl, void *arg)
{
	struct http_listener *hl = arg;
	struct http_shared *sh = hl->w->sh;
	struct cg_addr a;
	struct http_settings set;
	(void)l;
	addr_from_sockaddr(sa, &a);
	http_shared_settings(sh, &set);
	if (!connlimit_acquire(sh->limits, &a, set.max_conns, set.max_conns_per_client)) {
		http_refuse(fd, set.lang);
		return;
	}
	http_client_start(hl->w, hl->mode, fd, sa, (socklen_t)sl);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
	(void)arg;
	(void)l;
	log_warn("http: accept failed (out of file descriptors?)");
}

static int add_listeners(struct http_server *s, const struct cg_endpoint *eps, size_t n,
			 enum http_mode mode, const char **err)
{
	for (size_t i = 0; i < n; i++) {
		for (unsigned k = 0; k < s->loops.n; k++) {
			int fd = evloop_listen(&eps[i], err);
			if (fd < 0)
				return -1;
			struct http_listener *hl = &s->listeners[s->n_listeners];
			hl->w = &s->workers[k];
			hl->mode = mode;
			hl->l = evconnlistener_new(s->workers[k].base, on_accept, hl,
						   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
							   LEV_OPT_DISABLED,
						   -1, fd);
			if (!hl->l) {
				close(fd);
				*err = "cannot create a listener";
				return -1;
			}
			evconnlistener_set_error_cb(hl->l, on_accept_error);
			s->n_listeners++;
		}
	}
	return 0;
}

static void server_free(struct http_server *s)
{
	evloops_join(&s->loops); /* nothing runs while listeners and connections go */
	for (size_t i = 0; i < s->n_listeners; i++)
		evconnlistener_free(s->listeners[i].l);
	for (unsigned k = 0; s->workers && k < s->loops.n; k++) {
		http_conn_free_all(&s->workers[k]);
		http_tunnel_free_all(&s->workers[k]);
		dns_lookup_base_free(s->workers[k].dns); /* its lookups were cancelled above */
	}
	evloops_stop(&s->loops);
	free(s->listeners);
	free(s->workers);
	connlimit_shared_put(s->sh.limits);
	denyset_unref(s->sh.deny);
	http_review_free(s->sh.review);
	if (s->sh.tz)
		tz_free(s->sh.tz);
	pthread_mutex_destroy(&s->sh.lock);
	free(s);
}

struct http_server *http_server_new(const struct config *cfg, struct journal *j,
				   const char **err)
{
	const struct cfg_http *h = &cfg->http;
	size_t n_eps = h->n_listen + h->n_explicit_listen + h->n_blockpage_listen;
	*err = NULL;
	if (n_eps == 0)
		return NULL;
	struct http_server *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->sh.lock, NULL);
	settings_from(cfg, &s->sh.set);
	s->sh.journal = j;
	s->sh.limits = connlimit_shared(); /* the caps count TLS connections too */
	s->sh.deny = deny_from(cfg);
	s->sh.review = http_review_new();
	const char *tzerr = NULL;
	s->sh.tz = tz_load(cfg->timezone ? cfg->timezone : "Asia/Shanghai", &tzerr);
	if (!s->sh.tz)
		log_warn("http: time zone %s: %s; block pages show the process's zone",
			 cfg->timezone ? cfg->timezone : "Asia/Shanghai", tzerr ? tzerr : "?");
	if (evloops_init(&s->loops, evloop_default_count(), err) < 0)
		goto fail;
	s->workers = xcalloc(s->loops.n, sizeof(*s->workers));
	s->listeners = xcalloc(n_eps * s->loops.n, sizeof(*s->listeners));
	struct cg_endpoint rc_ups[RESOLV_CONF_MAX];
	const struct cg_endpoint *ups = NULL;
	size_t n_ups = h->n_explicit_listen ? upstreams_from(cfg, s->loops.w[0].base, rc_ups, &ups)
					    : 0;
	unsigned timeout_ms = cfg->dns.timeout_ms ? cfg->dns.timeout_ms : 1500;
	for (unsigned k = 0; k < s->loops.n; k++) {
		s->workers[k].base = s->loops.w[k].base;
		s->workers[k].sh = &s->sh;
		LIST_INIT(&s->workers[k].conns);
		LIST_INIT(&s->workers[k].tunnels);
		if (http_tunnel_sweep_start(&s->workers[k]) < 0) {
			*err = "cannot start the tunnel sweep";
			goto fail;
		}
		if (h->n_explicit_listen)
			s->workers[k].dns = dns_lookup_base_new(s->workers[k].base, ups, n_ups,
								timeout_ms);
	}
	if (add_listeners(s, h->listen, h->n_listen, HTTP_MODE_TRANSPARENT, err) < 0 ||
	    add_listeners(s, h->explicit_listen, h->n_explicit_listen, HTTP_MODE_EXPLICIT, err) <
		    0 ||
	    add_listeners(s, h->blockpage_listen, h->n_blockpage_listen, HTTP_MODE_BLOCKPAGE,
			  err) < 0)
		goto fail;
	return s;
fail:
	if (!*err)
		*err = "cannot start the http front end";
	server_free(s);
	return NULL;
}

int http_server_run(struct http_server *s)
{
	for (size_t i = 0; i < s->n_listeners; i++)
		if (evconnlistener_enable(s->listeners[i].l) < 0)
			return -1;
	if (evloops_start(&s->loops) < 0)
		return -1;
	return 0;
}

void http_server_reload(struct http_server *s, const struct config *cfg)
{
	struct http_settings set;
	settings_from(cfg, &set);
	struct denyset *deny = deny_from(cfg), *old;
	pthread_mutex_lock(&s->sh.lock);
	s->sh.set = set;
	old = s->sh.deny;
	s->sh.deny = deny;
	pthread_mutex_unlock(&s->sh.lock);
	denyset_unref(old);
}

void http_server_stop(struct http_server *s)
{
	if (s)
		server_free(s);
}
