/* Unit tests for config: the defaults, the extra blocklist and loading (the rejections are in
 * test_config_reject.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_support.h"
#include "testutil.h"

START_TEST(test_default_values)
{
	struct config *cfg = config_default();
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->dns.n_listen, 1);
	ck_assert_uint_eq(cfg->dns.listen[0].port, 5300);
	ck_assert(addr_is_loopback(&cfg->dns.listen[0].addr));
	ck_assert_uint_eq(cfg->dns.n_upstream, 1);
	ck_assert_uint_eq(cfg->dns.upstream[0].port, 53);
	ck_assert_str_eq(cfg->journal.dir, "var/journal");
	ck_assert_str_eq(cfg->timezone, "Asia/Shanghai");
	ck_assert_str_eq(cfg->language, "zh-CN");
	ck_assert_uint_eq(cfg->journal.fsync_interval_ms, 1000);
	ck_assert_uint_eq(cfg->journal.retention_days, 180);
	ck_assert_uint_eq(cfg->n_categories, 0);
	ck_assert_uint_eq(cfg->n_groups, 0);
	ck_assert_int_eq(config_category_index(cfg, "blocklist"), -1);
	config_free(cfg);
	config_free(NULL);
}
END_TEST

START_TEST(test_add_blocklist)
{
	char *dir = tu_tmpdir();
	char *a = tu_write_file(dir, "a.list", "example.com\n");
	char *b = tu_write_file(dir, "b.list", "example.org\n");
	struct config *cfg = config_default();
	struct diag d;
	diag_init(&d);
	ck_assert_int_eq(config_add_blocklist(cfg, a, &d), 0);
	ck_assert_int_eq(config_add_blocklist(cfg, b, &d), 0);
	ck_assert_uint_eq(cfg->n_categories, 1);
	int idx = config_category_index(cfg, "blocklist");
	ck_assert_int_eq(idx, 0);
	ck_assert_int_eq(cfg->categories[idx].kind, CATEGORY_BLOCK);
	ck_assert_uint_eq(cfg->categories[idx].n_lists, 2);
	ck_assert_str_eq(cfg->categories[idx].lists[1].path, b);
	ck_assert_int_eq(cfg->categories[idx].lists[1].format, LIST_NATIVE);
	ck_assert_uint_eq(d.errors, 0);

	/* a missing file or a folder is refused with the path in the message */
	char *missing = tu_source_path("no/such/file.list");
	ck_assert_int_eq(config_add_blocklist(cfg, missing, &d), -1);
	ck_assert_int_eq(config_add_blocklist(cfg, dir, &d), -1);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "no/such/file.list"));
	ck_assert_uint_eq(cfg->categories[idx].n_lists, 2);
	diag_free(&d);
	config_free(cfg);
	tu_rmtree(dir);
	free(missing);
	free(a);
	free(b);
	free(dir);
}
END_TEST

START_TEST(test_block_mode_names)
{
	ck_assert_str_eq(block_mode_name(BLOCK_NXDOMAIN), "nxdomain");
	ck_assert_str_eq(block_mode_name(BLOCK_NULL), "null");
	ck_assert_str_eq(block_mode_name(BLOCK_PAGE), "page");
	ck_assert_str_eq(block_mode_name(BLOCK_REFUSED), "refused");
}
END_TEST

START_TEST(test_warnings_only)
{
	struct fx f;
	fx_init(&f);
	struct config *cfg = fx_load(&f, "[category p]\nlist = ?nothere.list\n"
					 "list = ?hosts:no/such/dir/x\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(f.d.errors, 0);
	ck_assert_uint_eq(f.d.warnings, 3);
	ck_assert(fx_has(&f, 2, "warning: optional list nothere.list not found"));
	ck_assert(fx_has(&f, 3, "warning: optional list no/such/dir/x not found"));
	ck_assert(fx_has(&f, 1, "warning: category 'p' has no list"));
	ck_assert_uint_eq(cfg->categories[0].n_lists, 0);
	config_free(cfg);

	/* a category no group blocks, a timetable no group uses */
	cfg = fx_load(&f, "[category p]\nlist = a.list\n[category q]\nlist = a.list\n"
			  "[timetable t]\n[timetable u]\n"
			  "[group g]\nsubnet = 10.0.0.0/8\nblock_scheduled = p\ntimetable = t\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(f.d.errors, 0);
	ck_assert_uint_eq(f.d.warnings, 2);
	ck_assert(fx_has(&f, 3, "warning: category 'q' is not blocked by any group"));
	ck_assert(fx_has(&f, 6, "warning: timetable 'u' is not used by any group"));
	config_free(cfg);
	cfg = fx_load(&f, "[category q]\nlist = a.list\n"); /* no group: all blocked */
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(f.d.warnings, 0);
	config_free(cfg);
	cfg = fx_load(&f, "[category p]\nlist = ?nothere.list\n"
			  "list = ?hosts:no/such/dir/x\n");
	ck_assert_ptr_nonnull(cfg);
	config_free(cfg);

	/* errors already in diag from elsewhere do not fail this load */
	diag_error(&f.d, "elsewhere", 1, "earlier problem");
	size_t before = f.d.errors;
	cfg = config_load(f.conf, &f.d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(f.d.errors, before);
	config_free(cfg);
	fx_free(&f);
}
END_TEST

START_TEST(test_load_values)
{
	struct fx f;
	fx_init(&f);
	const char *text =
		"\xef\xbb\xbf# a comment\r\n"
		"; another comment\n"
		"[general]\n"
		"  user = root   # trailing comment\n"
		"allow_root = YES\n"
		"timezone = America/New_York\n"
		"language = en_US\n"
		"pid_file = run/cg.pid\n"
		"[dns]\n"
		"listen = 127.0.0.1:5353\n"
		"listen = [::1]\n"
		"upstream = 192.0.2.53\n"
		"threads = 4\n"
		"timeout_ms = 1500\n"
		"cache_entries = 0\n"
		"cache_max_mb = 8\n"
		"rate_limit_qps = 0\n"
		"rate_limit_burst = 5\n"
		"strip_ech = off\n"
		"block_page_v4 = 192.0.2.80\n"
		"block_page_v6 = 2001:db8::80\n"
		"tcp_idle_ms = 2000\n"
		"block_ttl = 300\n"
		"[http]\n"
		"listen = 127.0.0.1\n"
		"explicit_listen = 127.0.0.1\n"
		"tls_listen = [::1]\n"
		"blockpage_listen = 127.0.0.1:8081\n"
		"parent = 192.0.2.1:3128\n"
		"max_conns = 10\n"
		"max_conns_per_client = 2\n"
		"head_timeout_ms = 500\n"
		"idle_timeout_ms = 1000\n"
		"max_head_bytes = 4096\n"
		"max_line_bytes = 1024\n"
		"max_headers = 20\n"
		"[sensor]\n"
		"interface = eth1\n"
		"interface = enp0s31f6\n"
		"promiscuous = no\n"
		"resolver = 10.0.0.1\n"
		"resolver = fd00::53\n"
		"max_flows = 1000\n"
		"flow_timeout_s = 30\n"
		"[journal]\n"
		"dir = /var/lib/campusgate/journal\n"
		"fsync_interval_ms = 0\n"
		"retention_days = 365\n"
		"max_file_mb = 16\n"
		"queue_events = 1024\n"
		"syslog = udp:[::1]:514\n"
		"school = 第一中学 No. 1 Middle School\n"
		"[category porn]\n"
		"title_zh = 色情\n"
		"title_en = Pornography\n"
		"list = a.list\n"
		"list = ?hosts:b.hosts\n"
		"list = ut1:ut1dir\n"
		"[category doh]\n"
		"kind = bypass\n"
		"list = adblock:b.hosts\n"
		"[allow]\n"
		"list = a.list\n"
		"[timetable day]\n"
		"time = 08:00-12:00\n"
		"time = 22:00-06:00\n"
		"holiday = 2026-10-01..2026-10-07 national-day\n"
		"exam = 2027-01-18\n"
		"[timetable ny]\n"
		"timezone = UTC\n"
		"weekdays = sat,sun\n"
		"[group students]\n"
		"subnet = 10.0.0.0/8\n"
		"subnet = fd00::/8\n"
		"safe_search_youtube = moderate\n"
		"safe_search = strict\n"
		"block = porn\n"
		"block_scheduled = doh, porn\n"
		"timetable = day\n"
		"block_mode = page\n"
		"tls_no_sni = allow\n"
		"[group default]\n"
		"block = porn doh\n"
		"block_mode = refused\n"
		"tls_no_sni = BLOCK\n"
		"block =\n";
	struct config *cfg = fx_load(&f, text);
	if (!cfg)
		fx_dump(&f);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(f.d.errors, 0);
	ck_assert_uint_eq(f.d.warnings, 1);
	ck_assert(fx_has(&f, 69, "warning: timetable 'ny' is not used by any group"));
	ck_assert_str_eq(cfg->file, f.conf);
	ck_assert_str_eq(cfg->dir, f.dir);
	ck_assert_str_eq(cfg->user, "root");
	ck_assert(cfg->allow_root);
	ck_assert_str_eq(cfg->timezone, "America/New_York");
	ck_assert_str_eq(cfg->language, "en");
	char want[512];
	snprintf(want, sizeof want, "%s/run/cg.pid", f.dir);
	ck_assert_str_eq(cfg->pid_file, want);
	/* dns: the file's listen lines replace the built-in one */
	ck_assert_uint_eq(cfg->dns.n_listen, 2);
	ck_assert_uint_eq(cfg->dns.listen[0].port, 5353);
	ck_assert_uint_eq(cfg->dns.listen[1].port, 53);
	ck_assert_uint_eq(cfg->dns.listen[1].addr.family, AF_INET6);
	ck_assert_uint_eq(cfg->dns.n_upstream, 1);
	ck_assert_uint_eq(cfg->dns.upstream[0].addr.a[3], 53);
	ck_assert_uint_eq(cfg->dns.threads, 4);
	ck_assert_uint_eq(cfg->dns.timeout_ms, 1500);
	ck_assert_uint_eq(cfg->dns.cache_entries, 0);
	ck_assert_uint_eq(cfg->dns.cache_max_bytes, 8u << 20);
	ck_assert_uint_eq(cfg->dns.rate_limit_qps, 0);
	ck_assert_uint_eq(cfg->dns.rate_limit_burst, 5);
	ck_assert(!cfg->dns.strip_ech);
	ck_assert_uint_eq(cfg->dns.block_page_v4.family, AF_INET);
	ck_assert_uint_eq(cfg->dns.block_page_v4.a[3], 80);
	ck_assert_uint_eq(cfg->dns.block_page_v6.family, AF_INET6);
	ck_assert_uint_eq(cfg->dns.tcp_idle_ms, 2000);
	ck_assert_uint_eq(cfg->dns.block_ttl, 300);
	/* http: default ports per kind of listener */
	ck_assert_uint_eq(cfg->http.listen[0].port, 80);
	ck_assert_uint_eq(cfg->http.explicit_listen[0].port, 3128);
	ck_assert_uint_eq(cfg->http.tls_listen[0].port, 443);
	ck_assert_uint_eq(cfg->http.blockpage_listen[0].port, 8081);
	ck_assert_uint_eq(cfg->http.parent.port, 3128);
	ck_assert_uint_eq(cfg->http.max_conns, 10);
	ck_assert_uint_eq(cfg->http.max_conns_per_client, 2);
	ck_assert_uint_eq(cfg->http.head_timeout_ms, 500);
	ck_assert_uint_eq(cfg->http.idle_timeout_ms, 1000);
	ck_assert_uint_eq(cfg->http.max_head_bytes, 4096);
	ck_assert_uint_eq(cfg->http.max_line_bytes, 1024);
	ck_assert_uint_eq(cfg->http.max_headers, 20);
	/* sensor */
	ck_assert_uint_eq(cfg->sensor.n_interfaces, 2);
	ck_assert_str_eq(cfg->sensor.interfaces[1], "enp0s31f6");
	ck_assert(!cfg->sensor.promiscuous);
	ck_assert_uint_eq(cfg->sensor.n_resolvers, 2);
	ck_assert_uint_eq(cfg->sensor.resolvers[1].family, AF_INET6);
	ck_assert_uint_eq(cfg->sensor.max_flows, 1000);
	ck_assert_uint_eq(cfg->sensor.flow_timeout_s, 30);
	/* journal */
	ck_assert_str_eq(cfg->journal.dir, "/var/lib/campusgate/journal");
	ck_assert_uint_eq(cfg->journal.fsync_interval_ms, 0);
	ck_assert_uint_eq(cfg->journal.retention_days, 365);
	ck_assert_uint_eq(cfg->journal.max_file_bytes, 16u << 20);
	ck_assert_uint_eq(cfg->journal.queue_events, 1024);
	ck_assert_str_eq(cfg->journal.syslog, "udp:[::1]:514");
	ck_assert_str_eq(cfg->journal.school, "第一中学 No. 1 Middle School");
	/* categories and lists */
	ck_assert_uint_eq(cfg->n_categories, 2);
	const struct cfg_category *porn = &cfg->categories[0], *doh = &cfg->categories[1];
	ck_assert_str_eq(porn->title_zh, "色情");
	ck_assert_int_eq(porn->kind, CATEGORY_BLOCK);
	ck_assert_uint_eq(porn->n_lists, 3);
	ck_assert_int_eq(porn->lists[0].format, LIST_NATIVE);
	ck_assert_int_eq(porn->lists[1].format, LIST_HOSTS);
	ck_assert_int_eq(porn->lists[2].format, LIST_UT1);
	ck_assert_str_eq(porn->lists[1].name, "b.hosts");
	snprintf(want, sizeof want, "%s/b.hosts", f.dir);
	ck_assert_str_eq(porn->lists[1].path, want);
	ck_assert_uint_eq(porn->lists[1].line, 57);
	ck_assert_int_eq(doh->kind, CATEGORY_BYPASS);
	ck_assert_int_eq(doh->lists[0].format, LIST_ADBLOCK);
	ck_assert_str_eq(doh->title_en, "doh"); /* no title: the name */
	ck_assert_str_eq(doh->title_zh, "doh");
	ck_assert_uint_eq(cfg->n_allow, 1);
	/* timetables: defaults for the zone (the school's) and weekdays (mon-fri) */
	ck_assert_uint_eq(cfg->n_timetables, 2);
	const struct cfg_timetable *day = &cfg->timetables[0];
	ck_assert_str_eq(day->timezone, "America/New_York");
	ck_assert_uint_eq(day->weekdays, 0x1f);
	ck_assert_uint_eq(day->n_times, 2);
	ck_assert_uint_eq(day->times[1].start, 22 * 60);
	ck_assert_uint_eq(day->n_holidays, 1);
	ck_assert_str_eq(day->holidays[0].label, "national-day");
	ck_assert_uint_eq(day->n_extra, 1);
	ck_assert_ptr_null(day->extra[0].label);
	ck_assert_str_eq(cfg->timetables[1].timezone, "UTC");
	ck_assert_uint_eq(cfg->timetables[1].weekdays, 0x60);
	/* groups */
	ck_assert_uint_eq(cfg->n_groups, 2);
	const struct cfg_group *st = &cfg->groups[0], *def = &cfg->groups[1];
	ck_assert_int_eq(st->tls_no_sni, TLS_NO_SNI_ALLOW);
	ck_assert_int_eq(def->tls_no_sni, TLS_NO_SNI_BLOCK);
	ck_assert_uint_eq(st->n_subnets, 2);
	ck_assert_uint_eq(st->block_always, 1u << 0);
	ck_assert_uint_eq(st->block_scheduled, (1u << 0) | (1u << 1));
	ck_assert_int_eq(st->timetable, 0);
	ck_assert_int_eq(st->block_mode, BLOCK_PAGE);
	/* safe_search sets the engines not named one by one, whatever the order */
	ck_assert_int_eq(st->safesearch_google, SAFESEARCH_STRICT);
	ck_assert_int_eq(st->safesearch_bing, SAFESEARCH_STRICT);
	ck_assert_int_eq(st->safesearch_duckduckgo, SAFESEARCH_STRICT);
	ck_assert_int_eq(st->safesearch_youtube, SAFESEARCH_MODERATE);
	/* default without subnets: everything, v4 and v6 */
	ck_assert_uint_eq(def->n_subnets, 2);
	ck_assert_uint_eq(def->subnets[0].prefix, 0);
	ck_assert_uint_eq(def->subnets[0].addr.family, AF_INET);
	ck_assert_uint_eq(def->subnets[1].addr.family, AF_INET6);
	ck_assert_uint_eq(def->block_always, 3);
	ck_assert_int_eq(def->timetable, -1);
	ck_assert_int_eq(def->block_mode, BLOCK_REFUSED);
	ck_assert_int_eq(def->safesearch_google, SAFESEARCH_OFF);

	/* --blocklist on top of a file: a new category every group enforces */
	char *extra = tu_write_file(f.dir, "extra.list", "example.edu\n");
	ck_assert_int_eq(config_add_blocklist(cfg, extra, &f.d), 0);
	ck_assert_int_eq(config_category_index(cfg, "blocklist"), 2);
	ck_assert_uint_eq(cfg->groups[0].block_always, (1u << 0) | (1u << 2));
	ck_assert_uint_eq(cfg->groups[1].block_always, 7);
	free(extra);
	config_free(cfg);
	fx_free(&f);
}
END_TEST

/* Built-in values stay when the file does not mention them; "off" clears. */
START_TEST(test_ipmac)
{
	struct fx f;
	fx_init(&f);
	struct config *cfg = fx_load(&f, "[journal]\ndhcp_leases = /var/lib/misc/dnsmasq.leases\n"
				     "[ipmac]\nenforce = yes\ninterface = lan0\n"
				     "leases = leases/dhcpd.leases\nleases = /var/lib/kea/k4.csv\n"
				     "static = 52:54:00:12:34:56 10.1.2.3\n"
				     "static = 52-54-00-12-34-57\t 10.1.2.4\n");
	if (!cfg)
		fx_dump(&f);
	ck_assert_ptr_nonnull(cfg);
	ck_assert(cfg->ipmac.enforce);
	ck_assert_str_eq(cfg->ipmac.interface, "lan0");
	ck_assert_uint_eq(cfg->ipmac.n_leases, 2);
	ck_assert_ptr_nonnull(strstr(cfg->ipmac.leases[0], "/leases/dhcpd.leases"));
	ck_assert_str_eq(cfg->ipmac.leases[1], "/var/lib/kea/k4.csv");
	ck_assert_uint_eq(cfg->ipmac.n_statics, 2);
	ck_assert_uint_eq(cfg->ipmac.statics[1].mac[5], 0x57);
	ck_assert_uint_eq(cfg->ipmac.statics[1].addr.a[3], 4);
	ck_assert_uint_eq(cfg->ipmac.statics[1].line, cfg->ipmac.statics[0].line + 1);
	config_free(cfg);
	fx_free(&f);
	/* enforce with only the journal's lease file is enough; off by default */
	fx_init(&f);
	cfg = fx_load(&f, "[journal]\ndhcp_leases = d.leases\n[ipmac]\nenforce = on\ninterface = br-lan\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->ipmac.n_leases, 0);
	config_free(cfg);
	fx_free(&f);
	fx_init(&f);
	cfg = fx_load(&f, "[dns]\nthreads = 1\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert(!cfg->ipmac.enforce);
	ck_assert_ptr_null(cfg->ipmac.interface);
	config_free(cfg);
	fx_free(&f);
}
END_TEST

START_TEST(test_district)
{
	struct fx f;
	fx_init(&f);
	/* the district's lists: a category reads LISTS_DIR/NAME.list when it is there, the
	 * allowlist allow.list; a category without a district list keeps only its own */
	char dl[600];
	snprintf(dl, sizeof dl, "%s/dl", f.dir);
	ck_assert_int_eq(mkdir(dl, 0755), 0);
	free(tu_write_file(dl, "gambling.list", "district.example\n"));
	free(tu_write_file(dl, "allow.list", "ok.example\n"));
	free(tu_write_file(dl, "unknown.list", "x.example\n"));
	struct config *cfg = fx_load(&f,
		"[district]\nurl = https://district.example/lists/bundle\n"
		"pubkey = RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44\n"
		"pubkey2 = RWSyK5npbVikGXvlwEJB0VhT1aap3K2XEvhHF36r0IRYNY/BJxz92c52\n"
		"ca_file = district-ca.pem\nschool_id = school-a.1\nlists_dir = dl\ntimeout = 30\n"
		"[category gambling]\nlist = a.list\n[category porn]\nlist = a.list\n"
		"[group default]\nblock = gambling, porn\n");
	if (!cfg)
		fx_dump(&f);
	ck_assert_ptr_nonnull(cfg);
	ck_assert(cfg->district.on);
	ck_assert_str_eq(cfg->district.school_id, "school-a.1");
	ck_assert_uint_eq(cfg->district.timeout_s, 30);
	ck_assert_ptr_nonnull(strstr(cfg->district.ca_file, "/district-ca.pem"));
	ck_assert_ptr_nonnull(strstr(cfg->district.state_dir, "/var/district"));
	ck_assert_uint_eq(cfg->categories[0].n_lists, 2);
	ck_assert_str_eq(cfg->categories[0].lists[1].name, "district/gambling.list");
	ck_assert_str_eq(cfg->categories[0].lists[1].path, strcat(dl, "/gambling.list"));
	ck_assert_uint_eq(cfg->categories[1].n_lists, 1);
	ck_assert_uint_eq(cfg->n_allow, 1);
	ck_assert_str_eq(cfg->allow[0].name, "district/allow.list");
	config_free(cfg);
	/* without [district] nothing is read from anywhere; the default lists_dir */
	cfg = fx_load(&f, "[category gambling]\nlist = a.list\n[group default]\nblock = gambling\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert(!cfg->district.on);
	ck_assert_uint_eq(cfg->categories[0].n_lists, 1);
	ck_assert_ptr_null(cfg->district.lists_dir);
	config_free(cfg);
	cfg = fx_load(&f, "[district]\nstate_dir = /var/lib/cg-district\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->district.lists_dir, "/var/lib/cg-district/lists");
	ck_assert_uint_eq(cfg->district.timeout_s, 120);
	config_free(cfg);
	/* refusals */
	ck_assert_ptr_null(fx_load(&f, "[district]\nurl = https://a b\n"));
	ck_assert(fx_has(&f, 2, "must be an https:// URL"));
	ck_assert_ptr_null(fx_load(&f, "[district]\npubkey = RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO4=\n"));
	ck_assert(fx_has(&f, 2, "not a minisign public key"));
	ck_assert_ptr_null(fx_load(&f, "[district]\npubkey = RXQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44\n"));
	ck_assert(fx_has(&f, 2, "not a minisign public key"));
	ck_assert_ptr_null(fx_load(&f, "[district]\nschool_id = a/b\n"));
	ck_assert(fx_has(&f, 2, "school_id"));
	ck_assert_ptr_null(fx_load(&f, "[district]\ntimeout = 1\n"));
	ck_assert(fx_has(&f, 2, "timeout"));
	ck_assert_ptr_null(fx_load(&f, "[district]\nurl = https://d.example/b\n"));
	ck_assert(fx_has(&f, 1, "has a url but no pubkey"));
	fx_free(&f);
}
END_TEST

START_TEST(test_load_minimal)
{
	struct fx f;
	fx_init(&f);
	struct config *cfg = fx_load(&f, "");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->dns.n_listen, 1);
	ck_assert_uint_eq(cfg->dns.listen[0].port, 5300);
	ck_assert_uint_eq(cfg->n_groups, 0);
	ck_assert_uint_eq(cfg->http.n_listen, 0);
	ck_assert_str_eq(cfg->timezone, "Asia/Shanghai");
	config_free(cfg);
	cfg = fx_load(&f, "[journal]\nsyslog = local\n[http]\nparent = 10.0.0.1:8080\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->journal.syslog, "local");
	config_free(cfg);
	cfg = fx_load(&f, "[journal]\nsyslog = off\n[http]\nparent = off\n");
	ck_assert_ptr_nonnull(cfg);
	ck_assert_ptr_null(cfg->journal.syslog);
	ck_assert_uint_eq(cfg->http.parent.port, 0);
	config_free(cfg);
	/* a config file in the current folder: paths resolve against "." */
	struct diag d;
	diag_init(&d);
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(f.dir), 0);
	free(tu_write_file(".", "here.conf", "[journal]\ndir = j\n"));
	cfg = config_load("here.conf", &d);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->dir, ".");
	ck_assert_str_eq(cfg->journal.dir, "./j");
	config_free(cfg);
	diag_free(&d);
	fx_free(&f);
}
END_TEST

/* The shipped config loads as it is (the optional shared lists may be absent). */
START_TEST(test_shipped_config)
{
	char *path = tu_source_path("config/campusgate.conf");
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.msgs[i]);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(cfg->dns.n_listen, 2);
	ck_assert_uint_eq(cfg->dns.listen[0].port, 5300);
	ck_assert_uint_eq(cfg->dns.listen[1].addr.family, AF_INET6);
	ck_assert_uint_eq(cfg->http.n_listen, 1);
	ck_assert_uint_eq(cfg->http.listen[0].port, 8080);
	ck_assert_uint_eq(cfg->http.explicit_listen[0].port, 3128);
	ck_assert_uint_eq(cfg->http.tls_listen[0].port, 8443);
	ck_assert_uint_eq(cfg->http.blockpage_listen[0].port, 8081);
	ck_assert_ptr_null(cfg->user);
	ck_assert(!cfg->allow_root);
	ck_assert_ptr_nonnull(strstr(cfg->journal.dir, "config/../var/journal"));
	ck_assert_int_ge(config_category_index(cfg, "pornography"), 0);
	ck_assert_int_ge(config_category_index(cfg, "gambling"), 0);
	ck_assert_int_ge(config_category_index(cfg, "superstition"), 0);
	int bypass = config_category_index(cfg, "bypass");
	ck_assert_int_ge(bypass, 0);
	ck_assert_int_eq(cfg->categories[bypass].kind, CATEGORY_BYPASS);
	/* the shipped allow list, and the console's (optional "?../var/lists/allow.list",
	 * which run-default.sh makes empty in a checkout) when it exists */
	char *console_allow = tu_source_path("var/lists/allow.list");
	ck_assert_uint_eq(cfg->n_allow, 1 + (access(console_allow, F_OK) == 0));
	free(console_allow);
	ck_assert_uint_eq(cfg->n_groups, 3);
	ck_assert_uint_eq(cfg->n_timetables, 1);
	ck_assert_str_eq(cfg->groups[1].name, "staff");
	ck_assert_int_eq(cfg->groups[1].timetable, 0);
	ck_assert_uint_ne(cfg->groups[1].block_scheduled, 0);
	/* every shipped list file under blocklists/ is named by the config */
	size_t shipped = 0;
	for (size_t c = 0; c < cfg->n_categories; c++)
		for (size_t l = 0; l < cfg->categories[c].n_lists; l++)
			if (strncmp(cfg->categories[c].lists[l].name, "../blocklists/", 14) == 0)
				shipped++;
	ck_assert_uint_eq(shipped, 9);
	/* ... and the client-facing ECH names, in the bypass category */
	ck_assert_uint_eq(cfg->categories[bypass].n_ech_lists, 1);
	ck_assert_str_eq(cfg->categories[bypass].ech_lists[0].name,
			 "../blocklists/bypass/ech.list");
	/* tls_no_sni is left to its default (block where a category is enforced) */
	ck_assert_int_eq(cfg->groups[0].tls_no_sni, TLS_NO_SNI_AUTO);
	config_free(cfg);
	diag_free(&d);
	free(path);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("defaults");
	tcase_add_test(tc, test_default_values);
	tcase_add_test(tc, test_add_blocklist);
	tcase_add_test(tc, test_block_mode_names);
	suite_add_tcase(s, tc);
	TCase *load = tcase_create("load");
	tcase_add_test(load, test_shipped_config);
	tcase_add_test(load, test_load_values);
	tcase_add_test(load, test_ipmac);
	tcase_add_test(load, test_district);
	tcase_add_test(load, test_load_minimal);
	tcase_add_test(load, test_warnings_only);
	suite_add_tcase(s, load);
	return s;
}

int main(void)
{
	return tu_run(config_suite(), NULL);
}
