/* config_keys: the setters of the service keys ([general], [dns], [http], [sensor],
 * [journal], [console], [district]), each checking its value (see docs/config.md), and the table of every
 * section's keys. */
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"
#include "config_rules.h"
#include "config_state.h"

#define MAX_LIST 64 /* entries of a repeatable key */

#define CFG (st->cfg)

/* ---- value helpers ---- */

static int val_bool(struct cload *st, const char *v, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < CG_ARRAY_LEN(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	cload_msg(st, MSG_CFG_NOT_YES_NO, st->key, v);
	return -1;
}

static int val_num(struct cload *st, const char *v, unsigned long long min,
		   unsigned long long max, unsigned long long *out)
{
	if (parse_uint(v, min, max, out) == 0)
		return 0;
	cload_msg(st, MSG_CFG_NOT_NUMBER, st->key, min, max, v);
	return -1;
}

static void set_uns(struct cload *st, const char *v, unsigned long long min,
		    unsigned long long max, unsigned *out)
{
	unsigned long long x;
	if (val_num(st, v, min, max, &x) == 0)
		*out = (unsigned)x;
}

static void set_size(struct cload *st, const char *v, unsigned long long min,
		     unsigned long long max, size_t scale, size_t *out)
{
	unsigned long long x;
	if (val_num(st, v, min, max, &x) == 0)
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
	if (*n >= MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, st->key, MAX_LIST);
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = e;
}

static void set_path(struct cload *st, const char *v, char **out)
{
	free(*out);
	*out = cload_path(st, v);
}

/* ---- [general] ---- */

static void k_user(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n <= 32 && (islower((unsigned char)v[0]) || v[0] == '_');
	for (size_t i = 0; ok && i < n; i++)
		ok = islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '_' ||
		     v[i] == '-';
	if (!ok) {
		cload_msg(st, MSG_CFG_NOT_USER_NAME, v);
		return;
	}
	if (!getpwnam(v)) {
		cload_msg(st, MSG_CFG_NO_SUCH_USER, v);
		return;
	}
	cload_set_string(st, v, 32, &CFG->user);
}

static void k_allow_root(struct cload *st, const char *v)
{
	val_bool(st, v, &CFG->allow_root);
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
	set_path(st, v, &CFG->pid_file);
}

static void k_control_socket(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->control_socket);
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
	set_uns(st, v, 0, 256, &CFG->dns.threads);
}

static void k_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 10, 60000, &CFG->dns.timeout_ms);
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
	set_uns(st, v, 0, 1000000, &CFG->dns.rate_limit_qps);
}

static void k_burst(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 1000000, &CFG->dns.rate_limit_burst);
}

static void k_strip_ech(struct cload *st, const char *v)
{
	val_bool(st, v, &CFG->dns.strip_ech);
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
	set_uns(st, v, 100, 3600000, &CFG->dns.tcp_idle_ms);
}

static void k_tcp_msg_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 100, 600000, &CFG->dns.tcp_msg_timeout_ms);
}

static void k_tcp_per_client(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 100000, &CFG->dns.tcp_max_per_client);
}

static void k_block_ttl(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 604800, &CFG->dns.block_ttl);
}

static void k_max_pending(struct cload *st, const char *v)
{
	set_uns(st, v, 16, 1000000, &CFG->dns.max_pending);
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
	set_uns(st, v, 1, 1000000, &CFG->http.max_conns);
}

static void k_per_client(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 1000000, &CFG->http.max_conns_per_client);
}

static void k_head_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 100, 600000, &CFG->http.head_timeout_ms);
}

static void k_idle_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 100, 86400000, &CFG->http.idle_timeout_ms);
}

static void k_tls_idle_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 1000, 86400000, &CFG->http.tls_idle_timeout_ms);
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
	set_uns(st, v, 1, 10000, &CFG->http.max_headers);
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
		if (val_num(st, t, 1, 65535, &port) < 0)
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
		if (h->n_connect_deny_nets >= MAX_LIST) {
			cload_msg(st, MSG_CFG_AT_MOST, st->key, MAX_LIST);
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
	set_uns(st, v, 0, 16, &CFG->http.review_limit);
}

static void k_review_window(struct cload *st, const char *v)
{
	set_uns(st, v, 10, 86400, &CFG->http.review_window);
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

/* An interface name as the kernel takes it (1-15 bytes, no blanks or quotes). */
static bool iface_ok(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 15;
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || strchr("._-@:", v[i]);
	if (!ok)
		cload_msg(st, MSG_CFG_NOT_INTERFACE, v);
	return ok;
}

static void k_interface(struct cload *st, const char *v)
{
	if (!iface_ok(st, v))
		return;
	struct cfg_sensor *s = &CFG->sensor;
	for (size_t i = 0; i < s->n_interfaces; i++)
		if (strcmp(s->interfaces[i], v) == 0) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, "interface", v);
			return;
		}
	if (s->n_interfaces >= MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "interface", MAX_LIST);
		return;
	}
	s->interfaces = xrealloc(s->interfaces, (s->n_interfaces + 1) * sizeof *s->interfaces);
	s->interfaces[s->n_interfaces++] = xstrdup(v);
}

static void k_promisc(struct cload *st, const char *v)
{
	val_bool(st, v, &CFG->sensor.promiscuous);
}

static void k_resolver(struct cload *st, const char *v)
{
	struct cfg_sensor *s = &CFG->sensor;
	struct cg_addr a;
	if (addr_parse(v, &a) < 0) {
		cload_msg(st, MSG_CFG_NOT_IP, v);
		return;
	}
	if (s->n_resolvers >= MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "resolver", MAX_LIST);
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
	set_uns(st, v, 1, 86400, &CFG->sensor.flow_timeout_s);
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
	set_path(st, v, &CFG->journal.dir);
}

static void k_fsync(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 60000, &CFG->journal.fsync_interval_ms);
}

static void k_retention(struct cload *st, const char *v)
{
	set_uns(st, v, 1, 36500, &CFG->journal.retention_days);
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
	set_path(st, v, &CFG->journal.dhcp_leases);
}

static void k_client_max(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 100000000, &CFG->journal.client_max_events);
}

static void k_client_interval(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 86400, &CFG->journal.client_interval_s);
}

static void k_min_free(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 1048576, &CFG->journal.min_free_mb);
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

/* ---- [ipmac] ---- */

#define MAX_STATIC 1024 /* [ipmac] static bindings */

static void k_enforce(struct cload *st, const char *v)
{
	val_bool(st, v, &CFG->ipmac.enforce);
}

static void k_ipmac_if(struct cload *st, const char *v)
{
	if (iface_ok(st, v))
		cload_set_string(st, v, 15, &CFG->ipmac.interface);
}

static void k_ipmac_leases(struct cload *st, const char *v)
{
	struct cfg_ipmac *m = &CFG->ipmac;
	if (m->n_leases >= MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "leases", MAX_LIST);
		return;
	}
	m->leases = xrealloc(m->leases, (m->n_leases + 1) * sizeof *m->leases);
	m->leases[m->n_leases++] = cload_path(st, v);
}

/* "MAC ADDR": a device with a fixed IPv4 address. */
static void k_static(struct cload *st, const char *v)
{
	struct cfg_ipmac *m = &CFG->ipmac;
	struct cfg_ipmac_static s = {.line = st->line};
	const char *sp = strpbrk(v, " \t");
	const char *ip = sp ? sp + strspn(sp, " \t") : NULL;
	if (!sp || mac_parse(v, (size_t)(sp - v), s.mac) < 0 || addr_parse(ip, &s.addr) < 0 ||
	    s.addr.family != AF_INET) {
		cload_msg(st, MSG_CFG_BAD_IPMAC_STATIC, v);
		return;
	}
	for (size_t i = 0; i < m->n_statics; i++)
		if (memcmp(m->statics[i].addr.a, s.addr.a, 4) == 0) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, "static", ip);
			return;
		}
	if (m->n_statics >= MAX_STATIC) {
		cload_msg(st, MSG_CFG_AT_MOST, "static", MAX_STATIC);
		return;
	}
	m->statics = xrealloc(m->statics, (m->n_statics + 1) * sizeof *m->statics);
	m->statics[m->n_statics++] = s;
}

static const struct cload_key ipmac_keys[] = {
	{"enforce", false, false, k_enforce},
	{"interface", false, false, k_ipmac_if},
	{"leases", true, false, k_ipmac_leases},
	{"static", true, false, k_static},
	{NULL, false, false, NULL},
};

/* ---- [console] ---- */

static void k_console_listen(struct cload *st, const char *v)
{
	struct cg_endpoint e;
	if (endpoint_parse(v, 8444, &e) < 0 || e.port == 0) {
		cload_msg(st, MSG_CFG_NOT_ADDR_PORT, st->key, v);
		return;
	}
	CFG->console.listen = e;
}

static void k_console_cert(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->console.cert);
}

static void k_console_key(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->console.key);
}

static void k_console_accounts(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->console.accounts);
}

static void k_console_lists_dir(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->console.lists_dir);
}

static void k_console_user(struct cload *st, const char *v)
{
	char *saved = CFG->user;
	CFG->user = NULL;
	k_user(st, v); /* the same checks as [general] user */
	if (CFG->user) {
		free(CFG->console.user);
		CFG->console.user = CFG->user;
	}
	CFG->user = saved;
}

/* Session lifetimes: a few seconds at least (for tests), a day idle, a week in all. */
static void k_session_idle(struct cload *st, const char *v)
{
	set_uns(st, v, 2, 86400, &CFG->console.session_idle_s);
}

static void k_session_max(struct cload *st, const char *v)
{
	set_uns(st, v, 2, 7 * 86400, &CFG->console.session_max_s);
}

static const struct cload_key console_keys[] = {
	{"listen", false, false, k_console_listen},
	{"cert", false, false, k_console_cert},
	{"key", false, false, k_console_key},
	{"accounts", false, false, k_console_accounts},
	{"user", false, false, k_console_user},
	{"lists_dir", false, false, k_console_lists_dir},
	{"session_idle_s", false, false, k_session_idle},
	{"session_max_s", false, false, k_session_max},
	{NULL, false, false, NULL},
};

/* ---- [district] ---- */

/* The school's id in the district store and in list bundles' scopes: 1-64 of
 * [A-Za-z0-9._-], one token in syslog, SQL and file names alike. */
static void k_school_id(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		     (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '_' || v[i] == '-';
	if (!ok) {
		cload_msg(st, MSG_CFG_BAD_SCHOOL_ID, v);
		return;
	}
	cload_set_string(st, v, 64, &CFG->journal.school_id);
	cload_set_string(st, v, 64, &CFG->district.school_id);
}

static void k_heartbeat(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 1440, &CFG->journal.heartbeat_min);
}


static void k_district_url(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n > 8 && n <= 1024 && strncasecmp(v, "https://", 8) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f;
	if (!ok) {
		cload_msg(st, MSG_CFG_DISTRICT_URL, v);
		return;
	}
	cload_set_string(st, v, 1024, &CFG->district.url);
}

/* A minisign public key: base64 of "Ed" || key id (8) || Ed25519 key (32). */
static void district_key(struct cload *st, const char *v, char **out)
{
	unsigned char raw[42];
	size_t got = 0;
	const char *end = NULL;
	if (strlen(v) != 56 ||
	    sodium_base642bin(raw, sizeof raw, v, 56, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != sizeof raw || end != v + 56 || memcmp(raw, "Ed", 2) != 0) {
		cload_msg(st, MSG_CFG_DISTRICT_PUBKEY, st->key, v);
		return;
	}
	cload_set_string(st, v, 56, out);
}

static void k_district_pubkey(struct cload *st, const char *v)
{
	district_key(st, v, &CFG->district.pubkey);
}

static void k_district_pubkey2(struct cload *st, const char *v)
{
	district_key(st, v, &CFG->district.pubkey2);
}

static void k_district_ca(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->district.ca_file);
}

static void k_district_lists(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->district.lists_dir);
}

static void k_district_state(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->district.state_dir);
}

static void k_district_timeout(struct cload *st, const char *v)
{
	set_uns(st, v, 5, 3600, &CFG->district.timeout_s);
}

static const struct cload_key district_keys[] = {
	{"url", false, false, k_district_url},
	{"pubkey", false, false, k_district_pubkey},
	{"pubkey2", false, false, k_district_pubkey2},
	{"ca_file", false, false, k_district_ca},
	{"school_id", false, false, k_school_id},
	{"heartbeat_minutes", false, false, k_heartbeat},
	{"lists_dir", false, false, k_district_lists},
	{"state_dir", false, false, k_district_state},
	{"timeout", false, false, k_district_timeout},
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
	case SEC_CONSOLE: return console_keys;
	case SEC_DISTRICT: return district_keys;
	case SEC_ALLOW: return cload_allow_keys;
	case SEC_CATEGORY: return cload_category_keys;
	case SEC_TIMETABLE: return cload_timetable_keys;
	case SEC_GROUP: return cload_group_keys;
	case SEC_IPMAC: return ipmac_keys;
	default: return none;
	}
}
