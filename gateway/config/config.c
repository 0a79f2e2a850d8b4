/* config: the built-in defaults, freeing, and small lookups on a loaded configuration. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cg_config.h"
#include "i18n.h"

static void endpoint_add(struct cg_endpoint **list, size_t *n, const char *text,
			 uint16_t port)
{
	struct cg_endpoint e;
	if (endpoint_parse(text, port, &e) < 0)
		fatal("config: built-in endpoint %s does not parse", text);
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = e;
}

struct config *config_default(void)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);
	cfg->timezone = xstrdup("Asia/Shanghai");
	cfg->language = xstrdup("zh-CN");

	endpoint_add(&cfg->dns.listen, &cfg->dns.n_listen, "127.0.0.1:5300", 53);
	endpoint_add(&cfg->dns.upstream, &cfg->dns.n_upstream, "127.0.0.1:53", 53);
	cfg->dns.threads = 0;
	cfg->dns.timeout_ms = 2000;
	/* ~200 bytes an answer: 50,000 answers are ~10 MB, and with the 1M-name lists the
	 * daemon stays under 64 MB of RSS. A school's working set of names is far smaller;
	 * the least recently used answers go first. */
	cfg->dns.cache_entries = 50000;
	cfg->dns.cache_max_bytes = (size_t)32 << 20;
	cfg->dns.rate_limit_qps = 100;
	cfg->dns.rate_limit_burst = 200;
	cfg->dns.strip_ech = true;
	cfg->dns.tcp_idle_ms = 10000;
	cfg->dns.tcp_msg_timeout_ms = 3000;
	cfg->dns.tcp_max_per_client = 8;
	cfg->dns.block_ttl = 60;
	cfg->dns.max_pending = 4096;

	cfg->http.max_conns = 4096;
	cfg->http.max_conns_per_client = 64;
	cfg->http.head_timeout_ms = 10000;
	cfg->http.idle_timeout_ms = 60000;
	cfg->http.tls_idle_timeout_ms = 600000;
	cfg->http.max_head_bytes = 65536;
	cfg->http.max_line_bytes = 8192;
	cfg->http.max_headers = 100;
	cfg->http.review_limit = 3;
	cfg->http.review_window = 600;
	cfg->http.connect_ports[0] = 443;
	cfg->http.n_connect_ports = 1;
	cfg->http.connect_deny = CFG_DENY_LOOPBACK | CFG_DENY_LINK_LOCAL | CFG_DENY_LAN |
				 CFG_DENY_SELF;

	cfg->sensor.promiscuous = true;
	cfg->sensor.max_flows = 65536;
	cfg->sensor.flow_timeout_s = 120;

	cfg->journal.dir = xstrdup("var/journal");
	cfg->journal.fsync_interval_ms = 1000;
	cfg->journal.retention_days = 180;
	cfg->journal.max_file_bytes = (size_t)64 << 20;
	cfg->journal.queue_events = 65536;
	cfg->journal.client_max_events = 300;
	cfg->journal.client_interval_s = 60;
	cfg->journal.min_free_mb = 256;
	cfg->journal.heartbeat_min = 5;

	endpoint_parse("127.0.0.1:8444", 0, &cfg->console.listen);
	cfg->console.accounts = xstrdup("var/console/accounts");
	cfg->district.timeout_s = 120;
	cfg->console.session_idle_s = 1800;
	cfg->console.session_max_s = 43200;
	return cfg;
}

const char *config_default_path(void)
{
	const char *env = getenv("CAMPUSGATE_CONF");
	if (env && *env)
		return env;
	if (access("config/campusgate.conf", R_OK) == 0)
		return "config/campusgate.conf";
	return CG_CONFIG_FILE;
}

int config_add_blocklist(struct config *cfg, const char *path, struct diag *diag)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		diag_msg(diag, false, path, 0, MSG_CFG_BLOCKLIST_UNREADABLE,
			 MSG_REASON(strerror(errno)));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_msg(diag, false, path, 0, MSG_CFG_BLOCKLIST_NOT_FILE);
		return -1;
	}
	int idx = config_category_index(cfg, "blocklist");
	if (idx < 0) {
		if (cfg->n_categories >= CFG_MAX_CATEGORIES) {
			diag_msg(diag, false, path, 0, MSG_CFG_TOO_MANY_CATEGORIES,
				 CFG_MAX_CATEGORIES);
			return -1;
		}
		cfg->categories = xrealloc(cfg->categories,
					   (cfg->n_categories + 1) * sizeof *cfg->categories);
		struct cfg_category *c = &cfg->categories[cfg->n_categories];
		memset(c, 0, sizeof *c);
		c->name = xstrdup("blocklist");
		c->kind = CATEGORY_BLOCK;
		c->title_en = xstrdup("Blocklist");
		c->title_zh = xstrdup("黑名单");
		idx = (int)cfg->n_categories++;
		/* groups named in a config file enforce the new category as well */
		for (size_t g = 0; g < cfg->n_groups; g++)
			cfg->groups[g].block_always |= 1u << idx;
	}
	struct cfg_category *c = &cfg->categories[idx];
	c->lists = xrealloc(c->lists, (c->n_lists + 1) * sizeof *c->lists);
	struct cfg_list *l = &c->lists[c->n_lists++];
	l->format = LIST_NATIVE;
	l->path = xstrdup(path);
	l->name = xstrdup(path);
	l->line = 0;
	return 0;
}

static void lists_free(struct cfg_list *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].path);
		free(l[i].name);
	}
	free(l);
}

static void dateranges_free(struct cfg_daterange *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].label);
	free(r);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->file);
	free(cfg->dir);
	free(cfg->user);
	free(cfg->pid_file);
	free(cfg->control_socket);
	free(cfg->control_group);
	free(cfg->timezone);
	free(cfg->language);
	free(cfg->dns.listen);
	free(cfg->dns.upstream);
	free(cfg->http.listen);
	free(cfg->http.explicit_listen);
	free(cfg->http.tls_listen);
	free(cfg->http.blockpage_listen);
	free(cfg->http.connect_deny_nets);
	for (size_t i = 0; i < cfg->sensor.n_interfaces; i++)
		free(cfg->sensor.interfaces[i]);
	free(cfg->sensor.interfaces);
	free(cfg->sensor.resolvers);
	free(cfg->journal.dir);
	free(cfg->journal.syslog);
	free(cfg->journal.school);
	free(cfg->journal.contact);
	free(cfg->journal.dhcp_leases);
	free(cfg->ipmac.interface);
	for (size_t i = 0; i < cfg->ipmac.n_leases; i++)
		free(cfg->ipmac.leases[i]);
	free(cfg->ipmac.leases);
	free(cfg->ipmac.statics);
	free(cfg->journal.school_id);
	free(cfg->console.cert);
	free(cfg->console.key);
	free(cfg->console.accounts);
	free(cfg->console.user);
	free(cfg->console.lists_dir);
	free(cfg->district.url);
	free(cfg->district.pubkey);
	free(cfg->district.pubkey2);
	free(cfg->district.ca_file);
	free(cfg->district.school_id);
	free(cfg->district.state_dir);
	free(cfg->district.lists_dir);
	for (size_t i = 0; i < cfg->n_categories; i++) {
		struct cfg_category *c = &cfg->categories[i];
		free(c->name);
		free(c->title_zh);
		free(c->title_en);
		lists_free(c->lists, c->n_lists);
		lists_free(c->ech_lists, c->n_ech_lists);
	}
	free(cfg->categories);
	lists_free(cfg->allow, cfg->n_allow);
	free(cfg->grants);
	for (size_t i = 0; i < cfg->n_timetables; i++) {
		struct cfg_timetable *t = &cfg->timetables[i];
		free(t->name);
		free(t->timezone);
		free(t->times);
		dateranges_free(t->holidays, t->n_holidays);
		dateranges_free(t->extra, t->n_extra);
	}
	free(cfg->timetables);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		free(cfg->groups[i].name);
		free(cfg->groups[i].subnets);
	}
	free(cfg->groups);
	free(cfg);
}

int config_category_index(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_categories; i++)
		if (strcmp(cfg->categories[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *block_mode_name(enum block_mode m)
{
	switch (m) {
	case BLOCK_NXDOMAIN: return "nxdomain";
	case BLOCK_NULL: return "null";
	case BLOCK_PAGE: return "page";
	case BLOCK_REFUSED: return "refused";
	}
	return "?";
}
