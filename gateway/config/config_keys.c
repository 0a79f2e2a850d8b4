/* config_keys: the setters of the filter's own sections ([general], [dns], [http],
 * [sensor], [journal]), each checking its value (see docs/config.md), and the table of
 * every section's keys. */
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"
#include "config_rules.h"
#include "config_services.h"
#include "config_state.h"

#define CFG (st->cfg)

/* ---- value helpers ---- */

static void set_size(struct cload *st, const char *v, unsigned long long min,
		     unsigned long long max, size_t scale, size_t *out)
{
	unsigned long long x;
	if (cload_num(st, v, min, max, &x) == 0)
		*out = (size_t)x * scale;
}

static bool ep_eq(const struct cg_endpoint *a, const struct cg_endpoint *b)
{
	return a->port == b->port && a->addr.family == b->addr.family &&
	       memcmp(a->addr.a, b->addr.a, sizeof a->addr.a) == 0;
}

/* A repeatable endpoint key; its first use in the file replaces the built-in list. */
static void add_endpoint(struct cload *st, const char *v, uint16_t port,
			 struct cg_endpoint **list, size_t *n)
{
	if (st->first) {
		free(*list);
		*list = NULL;
		*n = 0;
	}
	struct cg_endpoint e;
	if (endpoint_parse(v, port, &e) < 0) {
		cload_msg(st, MSG_CFG_NOT_ADDR_PORT, st->key, v);
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (ep_eq(&(*list)[i], &e)) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, st->key, v);
			return;
		}
	if (*n >= CLOAD_MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, st->key, CLOAD_MAX_LIST);
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = e;
}

/* ---- [general] ---- */

static void k_user(struct cload *st, const char *v)
{
	cload_set_user(st, v, &CFG->user);
}

static void k_allow_root(struct cload *st, const char *v)
{
	cload_bool(st, v, &CFG->allow_root);
}

static void k_timezone(struct cload *st, const char *v)
{
	cload_check_zone(st, v, &CFG->timezone);
}

static void k_language(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	const char *lang = NULL;
	if (n >= 2 && strncasecmp(v, "zh", 2) == 0 && (n == 2 || v[2] == '-' || v[2] == '_'))
		lang = "zh-CN";
	else if (n >= 2 && strncasecmp(v, "en", 2) == 0 && (n == 2 || v[2] == '-' || v[2] == '_'))
		lang = "en";
	if (!lang) {
		cload_msg(st, MSG_CFG_BAD_LANGUAGE, v);
		return;
	}
	cload_set_string(st, lang, 8, &CFG->language);
}

static void k_pid_file(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->pid_file);
}

static void k_control_socket(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->control_socket);
}

static void k_control_group(struct cload *st, const char *v)
{
	if (!getgrnam(v)) {
		cload_msg(st, MSG_CFG_NO_SUCH_CONTROL_GROUP, v);
		return;
	}
	cload_set_string(st, v, 32, &CFG->control_group);
}

static const struct cload_key general_keys[] = {
	{"user", false, false, k_user},
	{"allow_root", false, false, k_allow_root},
	{"timezone", false, false, k_timezone},
	{"language", false, false, k_language},
	{"pid_file", false, false, k_pid_file},
	{"control_socket", false, false, k_control_socket},
	{"control_group", false, false, k_control_group},
	{NULL, false, false, NULL},
};

/* ---- [dns] ---- */

static void k_dns_listen(struct cload *st, const char *v)
{
	add_endpoint(st, v, 53, &CFG->dns.listen, &CFG->dns.n_listen);
}

static void k_upstream(struct cload *st, const char *v)
{
	add_endpoint(st, v, 53, &CFG->dns.upstream, &CFG->dns.n_upstream);
}

static void k_threads(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 256, &CFG->dns.threads);
}

static void k_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 10, 60000, &CFG->dns.timeout_ms);
}

static void k_cache_entries(struct cload *st, const char *v)
{
	set_size(st, v, 0, 100000000, 1, &CFG->dns.cache_entries);
}

static void k_cache_mb(struct cload *st, const char *v)
{
	set_size(st, v, 0, 65536, (size_t)1 << 20, &CFG->dns.cache_max_bytes);
}

static void k_qps(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 1000000, &CFG->dns.rate_limit_qps);
}

static void k_burst(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 1000000, &CFG->dns.rate_limit_burst);
}

static void k_strip_ech(struct cload *st, const char *v)
{
	cload_bool(st, v, &CFG->dns.strip_ech);
}

static void set_addr(struct cload *st, const char *v, int family, struct cg_addr *out)
{
	struct cg_addr a;
	if (addr_parse(v, &a) < 0 || a.family != family) {
		cload_msg(st, MSG_CFG_NOT_FAMILY_ADDR, st->key, v,
			  family == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	*out = a;
}

static void k_page_v4(struct cload *st, const char *v)
{
	set_addr(st, v, AF_INET, &CFG->dns.block_page_v4);
}

static void k_page_v6(struct cload *st, const char *v)
{
	set_addr(st, v, AF_INET6, &CFG->dns.block_page_v6);
}

static void k_tcp_idle(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 100, 3600000, &CFG->dns.tcp_idle_ms);
}

static void k_tcp_msg_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 100, 600000, &CFG->dns.tcp_msg_timeout_ms);
}

static void k_tcp_per_client(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 100000, &CFG->dns.tcp_max_per_client);
}

static void k_block_ttl(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 604800, &CFG->dns.block_ttl);
}

static void k_max_pending(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 16, 1000000, &CFG->dns.max_pending);
}

static const struct cload_key dns_keys[] = {
	{"listen", true, false, k_dns_listen},
	{"upstream", true, false, k_upstream},
	{"threads", false, false, k_threads},
	{"timeout_ms", false, false, k_timeout},
	{"cache_entries", false, false, k_cache_entries},
	{"cache_max_mb", false, false, k_cache_mb},
	{"rate_limit_qps", false, false, k_qps},
	{"rate_limit_burst", false, false, k_burst},
	{"strip_ech", false, false, k_strip_ech},
	{"block_page_v4", false, false, k_page_v4},
	{"block_page_v6", false, false, k_page_v6},
	{"tcp_idle_ms", false, false, k_tcp_idle},
	{"tcp_msg_timeout_ms", false, false, k_tcp_msg_timeout},
	{"tcp_max_per_client", false, false, k_tcp_per_client},
	{"block_ttl", false, false, k_block_ttl},
	{"max_pending", false, false, k_max_pending},
	{NULL, false, false, NULL},
};

/* ---- [http] ---- */

static void k_http_listen(struct cload *st, const char *v)
{
	add_endpoint(st, v, 80, &CFG->http.listen, &CFG->http.n_listen);
}

static void k_explicit(struct cload *st, const char *v)
{
	add_endpoint(st, v, 3128, &CFG->http.explicit_listen, &CFG->http.n_explicit_listen);
}

static void k_tls(struct cload *st, const char *v)
{
	add_endpoint(st, v, 443, &CFG->http.tls_listen, &CFG->http.n_tls_listen);
}

static void k_blockpage(struct cload *st, const char *v)
{
	add_endpoint(st, v, 80, &CFG->http.blockpage_listen, &CFG->http.n_blockpage_listen);
}

static void k_parent(struct cload *st, const char *v)
{
	if (strcasecmp(v, "off") == 0) {
		memset(&CFG->http.parent, 0, sizeof CFG->http.parent);
		return;
	}
	if (endpoint_parse(v, 0, &CFG->http.parent) < 0)
		cload_msg(st, MSG_CFG_BAD_PARENT, v);
}

static void k_max_conns(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 1, 1000000, &CFG->http.max_conns);
}

static void k_per_client(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 1000000, &CFG->http.max_conns_per_client);
}

static void k_head_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 100, 600000, &CFG->http.head_timeout_ms);
}

static void k_idle_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 100, 86400000, &CFG->http.idle_timeout_ms);
}

static void k_tls_idle_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 1000, 86400000, &CFG->http.tls_idle_timeout_ms);
}

static void k_head_bytes(struct cload *st, const char *v)
{
	set_size(st, v, 1024, 16777216, 1, &CFG->http.max_head_bytes);
}

static void k_line_bytes(struct cload *st, const char *v)
{
	set_size(st, v, 256, 16777216, 1, &CFG->http.max_line_bytes);
}

static void k_headers(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 1, 10000, &CFG->http.max_headers);
}

/* connect_ports = 443 8443: the ports CONNECT may reach (the list replaces 443). */
static void k_connect_ports(struct cload *st, const char *v)
{
	struct cfg_http *h = &CFG->http;
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", v);
	h->n_connect_ports = 0;
	for (char *t = strtok_r(buf, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		unsigned long long port;
		if (cload_num(st, t, 1, 65535, &port) < 0)
			return;
		for (size_t i = 0; i < h->n_connect_ports; i++)
			if (h->connect_ports[i] == port) {
				cload_msg(st, MSG_CFG_LISTED_TWICE, st->key, t);
				return;
			}
		if (h->n_connect_ports >= CFG_MAX_CONNECT_PORTS) {
			cload_msg(st, MSG_CFG_AT_MOST, st->key, CFG_MAX_CONNECT_PORTS);
			return;
		}
		h->connect_ports[h->n_connect_ports++] = (uint16_t)port;
	}
	if (h->n_connect_ports == 0)
		cload_msg(st, MSG_CFG_CONNECT_PORTS_EMPTY);
}

/* connect_deny = loopback link-local lan self 203.0.113.0/24, or none: where CONNECT
 * never goes (the list replaces the default, all four words). */
static void k_connect_deny(struct cload *st, const char *v)
{
	static const struct { const char *word; unsigned bit; } words[] = {
		{ "loopback", CFG_DENY_LOOPBACK }, { "link-local", CFG_DENY_LINK_LOCAL },
		{ "lan", CFG_DENY_LAN }, { "self", CFG_DENY_SELF }, { "none", 0 },
	};
	struct cfg_http *h = &CFG->http;
	char *buf = xstrdup(v), *save = NULL;
	h->connect_deny = 0;
	h->n_connect_deny_nets = 0;
	for (char *t = strtok_r(buf, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		size_t i;
		for (i = 0; i < CG_ARRAY_LEN(words); i++)
			if (strcasecmp(t, words[i].word) == 0)
				break;
		if (i < CG_ARRAY_LEN(words)) {
			h->connect_deny |= words[i].bit;
			continue;
		}
		struct cg_subnet net;
		if (subnet_parse(t, &net) < 0) {
			cload_msg(st, MSG_CFG_BAD_CONNECT_DENY, t);
			break;
		}
		if (h->n_connect_deny_nets >= CLOAD_MAX_LIST) {
			cload_msg(st, MSG_CFG_AT_MOST, st->key, CLOAD_MAX_LIST);
			break;
		}
		h->connect_deny_nets = xrealloc(h->connect_deny_nets, (h->n_connect_deny_nets + 1) *
							      sizeof(*h->connect_deny_nets));
		h->connect_deny_nets[h->n_connect_deny_nets++] = net;
	}
	free(buf);
}

static void k_review_limit(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 16, &CFG->http.review_limit);
}

static void k_review_window(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 10, 86400, &CFG->http.review_window);
}

static const struct cload_key http_keys[] = {
	{"listen", true, false, k_http_listen},
	{"explicit_listen", true, false, k_explicit},
	{"tls_listen", true, false, k_tls},
	{"blockpage_listen", true, false, k_blockpage},
	{"parent", false, false, k_parent},
	{"max_conns", false, false, k_max_conns},
	{"max_conns_per_client", false, false, k_per_client},
	{"head_timeout_ms", false, false, k_head_timeout},
	{"idle_timeout_ms", false, false, k_idle_timeout},
	{"tls_idle_timeout_ms", false, false, k_tls_idle_timeout},
	{"max_head_bytes", false, false, k_head_bytes},
	{"max_line_bytes", false, false, k_line_bytes},
	{"max_headers", false, false, k_headers},
	{"connect_ports", false, false, k_connect_ports},
	{"connect_deny", false, false, k_connect_deny},
	{"review_limit", false, false, k_review_limit},
	{"review_window", false, false, k_review_window},
	{NULL, false, false, NULL},
};

/* ---- [sensor] ---- */

static void k_interface(struct cload *st, const char *v)
{
	if (!cload_iface_ok(st, v))
		return;
	struct cfg_sensor *s = &CFG->sensor;
	for (size_t i = 0; i < s->n_interfaces; i++)
		if (strcmp(s->interfaces[i], v) == 0) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, "interface", v);
			return;
		}
	if (s->n_interfaces >= CLOAD_MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "interface", CLOAD_MAX_LIST);
		return;
	}
	s->interfaces = xrealloc(s->interfaces, (s->n_interfaces + 1) * sizeof *s->interfaces);
	s->interfaces[s->n_interfaces++] = xstrdup(v);
}

static void k_promisc(struct cload *st, const char *v)
{
	cload_bool(st, v, &CFG->sensor.promiscuous);
}

static void k_resolver(struct cload *st, const char *v)
{
	struct cfg_sensor *s = &CFG->sensor;
	struct cg_addr a;
	if (addr_parse(v, &a) < 0) {
		cload_msg(st, MSG_CFG_NOT_IP, v);
		return;
	}
	if (s->n_resolvers >= CLOAD_MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "resolver", CLOAD_MAX_LIST);
		return;
	}
	s->resolvers = xrealloc(s->resolvers, (s->n_resolvers + 1) * sizeof *s->resolvers);
	s->resolvers[s->n_resolvers++] = a;
}

static void k_max_flows(struct cload *st, const char *v)
{
	set_size(st, v, 16, 100000000, 1, &CFG->sensor.max_flows);
}

static void k_flow_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 1, 86400, &CFG->sensor.flow_timeout_s);
}

static const struct cload_key sensor_keys[] = {
	{"interface", true, false, k_interface},
	{"promiscuous", false, false, k_promisc},
	{"resolver", true, false, k_resolver},
	{"max_flows", false, false, k_max_flows},
	{"flow_timeout_s", false, false, k_flow_timeout},
	{NULL, false, false, NULL},
};

/* ---- [journal] ---- */

static void k_jdir(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->journal.dir);
}

static void k_fsync(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 60000, &CFG->journal.fsync_interval_ms);
}

static void k_retention(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 1, 36500, &CFG->journal.retention_days);
}

static void k_max_file(struct cload *st, const char *v)
{
	set_size(st, v, 1, 65536, (size_t)1 << 20, &CFG->journal.max_file_bytes);
}

static void k_queue(struct cload *st, const char *v)
{
	set_size(st, v, 16, 100000000, 1, &CFG->journal.queue_events);
}

static void k_syslog(struct cload *st, const char *v)
{
	if (strcasecmp(v, "off") == 0) {
		free(CFG->journal.syslog);
		CFG->journal.syslog = NULL;
		return;
	}
	if (strcasecmp(v, "local") == 0) {
		cload_set_string(st, "local", 8, &CFG->journal.syslog);
		return;
	}
	struct cg_endpoint e;
	if ((strncasecmp(v, "udp:", 4) == 0 || strncasecmp(v, "tcp:", 4) == 0) &&
	    endpoint_parse(v + 4, 0, &e) == 0) {
		cload_set_string(st, v, 100, &CFG->journal.syslog);
		return;
	}
	cload_msg(st, MSG_CFG_BAD_SYSLOG, v);
}

static void k_school(struct cload *st, const char *v)
{
	cload_set_string(st, v, 128, &CFG->journal.school);
}

static void k_contact(struct cload *st, const char *v)
{
	cload_set_string(st, v, 256, &CFG->journal.contact);
}

static void k_leases(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->journal.dhcp_leases);
}

static void k_client_max(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 100000000, &CFG->journal.client_max_events);
}

static void k_client_interval(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 86400, &CFG->journal.client_interval_s);
}

static void k_min_free(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 1048576, &CFG->journal.min_free_mb);
}

static const struct cload_key journal_keys[] = {
	{"dir", false, false, k_jdir},
	{"fsync_interval_ms", false, false, k_fsync},
	{"retention_days", false, false, k_retention},
	{"max_file_mb", false, false, k_max_file},
	{"queue_events", false, false, k_queue},
	{"syslog", false, false, k_syslog},
	{"school", false, false, k_school},
	{"contact", false, false, k_contact},
	{"dhcp_leases", false, false, k_leases},
	{"client_max_events", false, false, k_client_max},
	{"client_interval_s", false, false, k_client_interval},
	{"min_free_mb", false, false, k_min_free},
	{NULL, false, false, NULL},
};

const struct cload_key *cload_keys(enum cload_sec sec)
{
	static const struct cload_key none[] = {{NULL, false, false, NULL}};
	switch (sec) {
	case SEC_GENERAL: return general_keys;
	case SEC_DNS: return dns_keys;
	case SEC_HTTP: return http_keys;
	case SEC_SENSOR: return sensor_keys;
	case SEC_JOURNAL: return journal_keys;
	case SEC_CONSOLE: return cload_console_keys;
	case SEC_DISTRICT: return cload_district_keys;
	case SEC_ALLOW: return cload_allow_keys;
	case SEC_CATEGORY: return cload_category_keys;
	case SEC_TIMETABLE: return cload_timetable_keys;
	case SEC_GROUP: return cload_group_keys;
	case SEC_IPMAC: return cload_ipmac_keys;
	default: return none;
	}
}
