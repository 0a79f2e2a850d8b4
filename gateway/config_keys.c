/* config_keys: one setter per config key, each checking its value (see docs/config.md). */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_load.h"
#include "timetable.h"
#include "tz.h"

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
	cload_error(st, "%s must be yes or no, not '%s'", st->key, v);
	return -1;
}

static int val_num(struct cload *st, const char *v, unsigned long long min,
		   unsigned long long max, unsigned long long *out)
{
	if (parse_uint(v, min, max, out) == 0)
		return 0;
	cload_error(st, "%s must be a whole number from %llu to %llu, not '%s'", st->key, min, max,
		    v);
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
		cload_error(st, "%s: '%s' is not ADDR:PORT or [ADDR6]:PORT", st->key, v);
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (ep_eq(&(*list)[i], &e)) {
			cload_error(st, "%s: '%s' is listed twice", st->key, v);
			return;
		}
	if (*n >= MAX_LIST) {
		cload_error(st, "%s: at most %d entries", st->key, MAX_LIST);
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = e;
}

static void set_string(struct cload *st, const char *v, size_t max, char **out)
{
	if (strlen(v) > max) {
		cload_error(st, "%s: longer than %zu bytes", st->key, max);
		return;
	}
	free(*out);
	*out = xstrdup(v);
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
		cload_error(st, "user: '%s' is not a user name", v);
		return;
	}
	if (!getpwnam(v)) {
		cload_error(st, "user: no such user '%s' on this system", v);
		return;
	}
	set_string(st, v, 32, &CFG->user);
}

static void k_allow_root(struct cload *st, const char *v)
{
	val_bool(st, v, &CFG->allow_root);
}

static void check_zone(struct cload *st, const char *v, char **out)
{
	const char *err = "?";
	struct tz *tz = tz_load(v, &err);
	if (!tz) {
		cload_error(st, "%s: '%s': %s", st->key, v, err);
		return;
	}
	tz_free(tz);
	set_string(st, v, 200, out);
}

static void k_timezone(struct cload *st, const char *v)
{
	check_zone(st, v, &CFG->timezone);
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
		cload_error(st, "language must be zh-CN or en, not '%s'", v);
		return;
	}
	set_string(st, lang, 8, &CFG->language);
}

static void k_pid_file(struct cload *st, const char *v)
{
	set_path(st, v, &CFG->pid_file);
}

static const struct cload_key general_keys[] = {
	{"user", false, false, k_user},
	{"allow_root", false, false, k_allow_root},
	{"timezone", false, false, k_timezone},
	{"language", false, false, k_language},
	{"pid_file", false, false, k_pid_file},
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
		cload_error(st, "%s: '%s' is not an %s address", st->key, v,
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

static void k_block_ttl(struct cload *st, const char *v)
{
	set_uns(st, v, 0, 604800, &CFG->dns.block_ttl);
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
	{"block_ttl", false, false, k_block_ttl},
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
		cload_error(st, "parent: '%s' is not ADDR:PORT, [ADDR6]:PORT or off", v);
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
	{"max_head_bytes", false, false, k_head_bytes},
	{"max_line_bytes", false, false, k_line_bytes},
	{"max_headers", false, false, k_headers},
	{NULL, false, false, NULL},
};

/* ---- [sensor] ---- */

static void k_interface(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 15;
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || strchr("._-@:", v[i]);
	if (!ok) {
		cload_error(st, "interface: '%s' is not an interface name", v);
		return;
	}
	struct cfg_sensor *s = &CFG->sensor;
	for (size_t i = 0; i < s->n_interfaces; i++)
		if (strcmp(s->interfaces[i], v) == 0) {
			cload_error(st, "interface: '%s' is listed twice", v);
			return;
		}
	if (s->n_interfaces >= MAX_LIST) {
		cload_error(st, "interface: at most %d entries", MAX_LIST);
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
		cload_error(st, "resolver: '%s' is not an IP address", v);
		return;
	}
	if (s->n_resolvers >= MAX_LIST) {
		cload_error(st, "resolver: at most %d entries", MAX_LIST);
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
		set_string(st, "local", 8, &CFG->journal.syslog);
		return;
	}
	struct cg_endpoint e;
	if ((strncasecmp(v, "udp:", 4) == 0 || strncasecmp(v, "tcp:", 4) == 0) &&
	    endpoint_parse(v + 4, 0, &e) == 0) {
		set_string(st, v, 100, &CFG->journal.syslog);
		return;
	}
	cload_error(st, "syslog must be off, local, udp:ADDR:PORT or tcp:ADDR:PORT, not '%s'", v);
}

static void k_school(struct cload *st, const char *v)
{
	set_string(st, v, 128, &CFG->journal.school);
}

static const struct cload_key journal_keys[] = {
	{"dir", false, false, k_jdir},
	{"fsync_interval_ms", false, false, k_fsync},
	{"retention_days", false, false, k_retention},
	{"max_file_mb", false, false, k_max_file},
	{"queue_events", false, false, k_queue},
	{"syslog", false, false, k_syslog},
	{"school", false, false, k_school},
	{NULL, false, false, NULL},
};

/* ---- lists: [category NAME] and [allow] ---- */

static const char *formats[] = {"native", "hosts", "adblock", "ut1"};

/* "[?][FORMAT:]PATH": the file must exist unless marked optional with '?'. */
static void add_list(struct cload *st, const char *v, struct cfg_list **list, size_t *n)
{
	bool optional = false;
	if (*v == '?') {
		optional = true;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
	}
	enum list_format fmt = LIST_NATIVE;
	const char *colon = strchr(v, ':');
	if (colon && !memchr(v, '/', (size_t)(colon - v))) {
		size_t k = (size_t)(colon - v), i = 0;
		for (; i < CG_ARRAY_LEN(formats); i++)
			if (strlen(formats[i]) == k && strncasecmp(v, formats[i], k) == 0)
				break;
		if (i == CG_ARRAY_LEN(formats)) {
			cload_error(st, "list: unknown format '%.*s' (native, hosts, adblock, ut1)",
				    (int)k, v);
			return;
		}
		fmt = (enum list_format)i;
		v = colon + 1;
	}
	if (!*v) {
		cload_error(st, "list: the path is missing");
		return;
	}
	char *path = cload_path(st, v);
	struct stat sb;
	if (stat(path, &sb) < 0 || access(path, R_OK) < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			diag_warn(st->diag, st->file, st->line, "optional list %s not found, skipped",
				  v);
		else
			cload_error(st, "list %s: %s", v, strerror(errno));
		goto fail;
	}
	if (fmt == LIST_UT1 && !S_ISDIR(sb.st_mode)) {
		cload_error(st, "list %s: a ut1 list is a folder (domains, urls, expressions)", v);
		goto fail;
	}
	if (fmt != LIST_UT1 && !S_ISREG(sb.st_mode)) {
		cload_error(st, "list %s: not a regular file%s", v,
			    S_ISDIR(sb.st_mode) ? " (a UT1 folder needs ut1:)" : "");
		goto fail;
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].path, path) == 0) {
			cload_error(st, "list %s is named twice here (first at line %u)", v,
				    (*list)[i].line);
			goto fail;
		}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	struct cfg_list *l = &(*list)[(*n)++];
	l->format = fmt;
	l->path = path;
	l->name = xstrdup(v);
	l->line = st->line;
	return;
fail:
	free(path);
}

static struct cfg_category *cur_category(struct cload *st)
{
	return &CFG->categories[st->idx];
}

static void k_kind(struct cload *st, const char *v)
{
	if (strcasecmp(v, "block") == 0)
		cur_category(st)->kind = CATEGORY_BLOCK;
	else if (strcasecmp(v, "bypass") == 0)
		cur_category(st)->kind = CATEGORY_BYPASS;
	else
		cload_error(st, "kind must be block or bypass, not '%s'", v);
}

static void k_title_zh(struct cload *st, const char *v)
{
	set_string(st, v, 120, &cur_category(st)->title_zh);
}

static void k_title_en(struct cload *st, const char *v)
{
	set_string(st, v, 120, &cur_category(st)->title_en);
}

static void k_cat_list(struct cload *st, const char *v)
{
	struct cfg_category *c = cur_category(st);
	add_list(st, v, &c->lists, &c->n_lists);
}

static const struct cload_key category_keys[] = {
	{"kind", false, false, k_kind},
	{"title_zh", false, false, k_title_zh},
	{"title_en", false, false, k_title_en},
	{"list", true, false, k_cat_list},
	{NULL, false, false, NULL},
};

static void k_allow_list(struct cload *st, const char *v)
{
	add_list(st, v, &CFG->allow, &CFG->n_allow);
}

static const struct cload_key allow_keys[] = {
	{"list", true, false, k_allow_list},
	{NULL, false, false, NULL},
};

/* ---- [timetable NAME] ---- */

static struct cfg_timetable *cur_tt(struct cload *st)
{
	return &CFG->timetables[st->idx];
}

static void k_tt_zone(struct cload *st, const char *v)
{
	check_zone(st, v, &cur_tt(st)->timezone);
}

static void k_weekdays(struct cload *st, const char *v)
{
	const char *why = "?";
	if (timetable_parse_weekdays(v, &cur_tt(st)->weekdays, &why) < 0)
		cload_error(st, "weekdays: '%s': %s", v, why);
}

static void k_time(struct cload *st, const char *v)
{
	struct cfg_timetable *t = cur_tt(st);
	struct cfg_timerange r;
	const char *why = "?";
	if (timetable_parse_time(v, &r, &why) < 0) {
		cload_error(st, "time: '%s': %s", v, why);
		return;
	}
	if (t->n_times >= MAX_LIST) {
		cload_error(st, "time: at most %d entries", MAX_LIST);
		return;
	}
	t->times = xrealloc(t->times, (t->n_times + 1) * sizeof *t->times);
	t->times[t->n_times++] = r;
}

static void add_dates(struct cload *st, const char *v, struct cfg_daterange **list, size_t *n)
{
	struct cfg_daterange r;
	const char *why = "?";
	if (timetable_parse_dates(v, &r, &why) < 0) {
		cload_error(st, "%s: '%s': %s", st->key, v, why);
		return;
	}
	if (*n >= 1000) {
		free(r.label);
		cload_error(st, "%s: at most 1000 entries", st->key);
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = r;
}

static void k_holiday(struct cload *st, const char *v)
{
	add_dates(st, v, &cur_tt(st)->holidays, &cur_tt(st)->n_holidays);
}

static void k_exam(struct cload *st, const char *v)
{
	add_dates(st, v, &cur_tt(st)->extra, &cur_tt(st)->n_extra);
}

static const struct cload_key timetable_keys[] = {
	{"timezone", false, false, k_tt_zone},
	{"weekdays", false, false, k_weekdays},
	{"time", true, false, k_time},
	{"holiday", true, false, k_holiday},
	{"exam", true, false, k_exam},
	{NULL, false, false, NULL},
};

/* ---- [group NAME] ---- */

static struct cfg_group *cur_group(struct cload *st)
{
	return &CFG->groups[st->idx];
}

static void k_subnet(struct cload *st, const char *v)
{
	struct cfg_group *g = cur_group(st);
	struct cg_subnet s;
	if (subnet_parse(v, &s) < 0) {
		cload_error(st, "subnet: '%s' is not ADDR/PREFIX (with the host bits zero)", v);
		return;
	}
	for (size_t i = 0; i < g->n_subnets; i++)
		if (g->subnets[i].prefix == s.prefix && g->subnets[i].addr.family == s.addr.family &&
		    memcmp(g->subnets[i].addr.a, s.addr.a, sizeof s.addr.a) == 0) {
			cload_error(st, "subnet: '%s' is listed twice", v);
			return;
		}
	if (g->n_subnets >= 1024) {
		cload_error(st, "subnet: at most 1024 entries");
		return;
	}
	g->subnets = xrealloc(g->subnets, (g->n_subnets + 1) * sizeof *g->subnets);
	g->subnets[g->n_subnets++] = s;
}

/* "CAT CAT ..." (spaces or commas); names are resolved at the end of the file. */
static void add_refs(struct cload *st, const char *v, bool scheduled)
{
	struct cload_group *p = &st->gp[st->idx];
	const char *s = v;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		size_t n = strcspn(s, " \t,");
		if (!n)
			break;
		if (p->n_refs >= CFG_MAX_CATEGORIES * 2) {
			cload_error(st, "%s: too many categories", st->key);
			return;
		}
		p->refs = xrealloc(p->refs, (p->n_refs + 1) * sizeof *p->refs);
		p->refs[p->n_refs++] = (struct cload_catref){xstrndup(s, n), st->line, scheduled};
		s += n;
	}
	if (scheduled)
		p->has_scheduled = true;
}

static void k_block(struct cload *st, const char *v)
{
	add_refs(st, v, false);
}

static void k_block_scheduled(struct cload *st, const char *v)
{
	add_refs(st, v, true);
}

static void k_group_tt(struct cload *st, const char *v)
{
	struct cload_group *p = &st->gp[st->idx];
	p->timetable = xstrdup(v);
	p->tt_line = st->line;
}

static void k_block_mode(struct cload *st, const char *v)
{
	for (int m = BLOCK_NXDOMAIN; m <= BLOCK_REFUSED; m++)
		if (strcasecmp(v, block_mode_name((enum block_mode)m)) == 0) {
			cur_group(st)->block_mode = (enum block_mode)m;
			return;
		}
	cload_error(st, "block_mode must be nxdomain, null, page or refused, not '%s'", v);
}

static int val_safesearch(struct cload *st, const char *v)
{
	static const char *names[] = {"off", "moderate", "strict"};
	for (int i = 0; i < 3; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	cload_error(st, "%s must be off, moderate or strict, not '%s'", st->key, v);
	return -1;
}

static void k_safe_search(struct cload *st, const char *v)
{
	int s = val_safesearch(st, v);
	if (s >= 0)
		st->gp[st->idx].safe_search = s;
}

static void set_engine(struct cload *st, const char *v, int engine, enum safesearch *out)
{
	int s = val_safesearch(st, v);
	if (s < 0)
		return;
	*out = (enum safesearch)s;
	st->gp[st->idx].ss_set[engine] = true;
}

static void k_ss_google(struct cload *st, const char *v)
{
	set_engine(st, v, 0, &cur_group(st)->safesearch_google);
}

static void k_ss_bing(struct cload *st, const char *v)
{
	set_engine(st, v, 1, &cur_group(st)->safesearch_bing);
}

static void k_ss_youtube(struct cload *st, const char *v)
{
	set_engine(st, v, 2, &cur_group(st)->safesearch_youtube);
}

static void k_ss_ddg(struct cload *st, const char *v)
{
	set_engine(st, v, 3, &cur_group(st)->safesearch_duckduckgo);
}

static const struct cload_key group_keys[] = {
	{"subnet", true, false, k_subnet},
	{"block", true, true, k_block},
	{"block_scheduled", true, true, k_block_scheduled},
	{"timetable", false, false, k_group_tt},
	{"block_mode", false, false, k_block_mode},
	{"safe_search", false, false, k_safe_search},
	{"safe_search_google", false, false, k_ss_google},
	{"safe_search_bing", false, false, k_ss_bing},
	{"safe_search_youtube", false, false, k_ss_youtube},
	{"safe_search_duckduckgo", false, false, k_ss_ddg},
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
	case SEC_ALLOW: return allow_keys;
	case SEC_CATEGORY: return category_keys;
	case SEC_TIMETABLE: return timetable_keys;
	case SEC_GROUP: return group_keys;
	default: return none;
	}
}
