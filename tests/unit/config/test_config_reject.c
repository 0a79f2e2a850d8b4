/* Unit tests for config: every rejection, each with its line and message (the table), all
 * bad lines reported in one run, files that do not read, limits over, and a missing zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_support.h"
#include "testutil.h"

/* One rejected config: the load fails and names the line and the problem. */
struct bad_case {
	const char *text;
	unsigned line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	/* the shape of lines and sections */
	{"x = 1\n", 1, "outside any section"},
	{"[dns]\nlisten 127.0.0.1\n", 2, "expected 'key = value'"},
	{"[dns]\nlisten: 127.0.0.1\n", 2, "expected 'key = value'"},
	{"[dns]\n = 127.0.0.1\n", 2, "a key is missing"},
	{"[dns\nthreads = 1\n", 1, "must end with ']'"},
	{"[dns]\nthreads = 1\x01\n", 2, "control character"},
	{"[dns]\nthreads = \xff\xfe\n", 2, "not valid UTF-8"},
	{"[dns]\nschool = \xe4\xb8\n", 2, "not valid UTF-8"},
	{"[dns]\nx = \xc0\xaf\n", 2, "not valid UTF-8"},      /* overlong */
	{"[dns]\nx = \xed\xa0\x80\n", 2, "not valid UTF-8"},  /* surrogate */
	{"[bogus]\n", 1, "unknown section [bogus]"},
	{"[dns x]\n", 1, "[dns] takes no name"},
	{"[dns]\n[general]\n[dns]\n", 3, "given twice (first at line 1)"},
	{"[group]\n", 1, "needs a name"},
	{"[group a b]\n", 1, "bad group name"},
	{"[category way-too-long-a-name-for-a-category-x]\n", 1, "bad category name"},
	{"[category p]\nlist = a.list\n[category p]\n", 3, "defined twice (first at line 1)"},
	{"[timetable t]\n[timetable t]\n", 2, "defined twice"},
	{"[dns]\nfoo = 1\n", 2, "unknown key 'foo'"},
	{"[dns]\ncache_entrys = 10\n", 2, "unknown key 'cache_entrys' in this section (did you mean 'cache_entries'?)"},
	{"[categroy x]\n", 1, "unknown section [categroy x] (did you mean [category]?)"},
	{"[dns]\nthreads = 1\nthreads = 2\n", 3, "'threads' given twice"},
	{"[dns]\nthreads =\n", 2, "'threads' needs a value"},
	/* [general] */
	{"[general]\nallow_root = maybe\n", 2, "allow_root must be yes or no"},
	{"[general]\nuser = Root!\n", 2, "not a user name"},
	{"[general]\nuser = nosuchuser-cgtest\n", 2, "no such user"},
	{"[general]\ntimezone = Mars/Olympus_Mons\n", 2, "unknown time zone"},
	{"[general]\ntimezone = ../../etc/passwd\n", 2, "not a time zone name"},
	{"[general]\nlanguage = fr\n", 2, "language must be zh-CN or en"},
	{"[general]\nlanguage = english\n", 2, "language must be zh-CN or en"},
	/* [dns] */
	{"[dns]\nlisten = 127.0.0.1:70000\n", 2, "not ADDR:PORT"},
	{"[dns]\nlisten = localhost:53\n", 2, "not ADDR:PORT"},
	{"[dns]\nlisten = 127.0.0.1:53\nlisten = 127.0.0.1\n", 3, "listed twice"},
	{"[dns]\nupstream = 1.1.1.1:x\n", 2, "not ADDR:PORT"},
	{"[dns]\nthreads = 1000\n", 2, "threads must be a whole number from 0 to 256"},
	{"[dns]\nthreads = -1\n", 2, "threads must be a whole number"},
	{"[dns]\ntimeout_ms = 5\n", 2, "timeout_ms must be"},
	{"[dns]\ncache_entries = 1e6\n", 2, "cache_entries must be"},
	{"[dns]\ncache_max_mb = 99999999999999999999999\n", 2, "cache_max_mb must be"},
	{"[dns]\nrate_limit_qps = 10 qps\n", 2, "rate_limit_qps must be"},
	{"[dns]\nrate_limit_burst = 1000001\n", 2, "rate_limit_burst must be"},
	{"[dns]\nstrip_ech = 2\n", 2, "strip_ech must be yes or no"},
	{"[dns]\nblock_page_v4 = ::1\n", 2, "not an IPv4 address"},
	{"[dns]\nblock_page_v6 = 127.0.0.1\n", 2, "not an IPv6 address"},
	{"[dns]\nblock_page_v4 = 10.0.0\n", 2, "not an IPv4 address"},
	{"[dns]\ntcp_idle_ms = 0\n", 2, "tcp_idle_ms must be"},
	{"[dns]\nblock_ttl = 604801\n", 2, "block_ttl must be"},
	/* [http] */
	{"[http]\nlisten = 127.0.0.1:8080:1\n", 2, "not ADDR:PORT"},
	{"[http]\nexplicit_listen = [::1\n", 2, "not ADDR:PORT"},
	{"[http]\ntls_listen = 300.0.0.1\n", 2, "not ADDR:PORT"},
	{"[http]\nblockpage_listen = x\n", 2, "not ADDR:PORT"},
	{"[http]\nparent = 10.0.0.1\n", 2, "parent: '10.0.0.1' is not ADDR:PORT"},
	{"[http]\nmax_conns = 0\n", 2, "max_conns must be"},
	{"[http]\nmax_conns_per_client = x\n", 2, "max_conns_per_client must be"},
	{"[http]\nhead_timeout_ms = 99\n", 2, "head_timeout_ms must be"},
	{"[http]\nidle_timeout_ms = 86400001\n", 2, "idle_timeout_ms must be"},
	{"[http]\nmax_head_bytes = 1023\n", 2, "max_head_bytes must be"},
	{"[http]\nmax_line_bytes = 255\n", 2, "max_line_bytes must be"},
	{"[http]\nmax_headers = 0\n", 2, "max_headers must be"},
	{"[http]\nmax_head_bytes = 4096\nmax_line_bytes = 8192\n", 1,
	 "max_line_bytes (8192) is larger than max_head_bytes (4096)"},
	/* [sensor] */
	{"[sensor]\ninterface = eth0 eth1\n", 2, "not an interface name"},
	{"[sensor]\ninterface = averyveryverylongname\n", 2, "not an interface name"},
	{"[sensor]\ninterface = eth0\ninterface = eth0\n", 3, "'eth0' is listed twice"},
	{"[sensor]\npromiscuous = perhaps\n", 2, "promiscuous must be yes or no"},
	{"[sensor]\nresolver = 10.0.0.1:53\n", 2, "not an IP address"},
	{"[sensor]\nmax_flows = 15\n", 2, "max_flows must be"},
	{"[sensor]\nflow_timeout_s = 0\n", 2, "flow_timeout_s must be"},
	/* [journal] */
	{"[journal]\nfsync_interval_ms = 60001\n", 2, "fsync_interval_ms must be"},
	{"[journal]\nretention_days = 0\n", 2, "retention_days must be"},
	{"[journal]\nmax_file_mb = 0\n", 2, "max_file_mb must be"},
	{"[journal]\nqueue_events = 15\n", 2, "queue_events must be"},
	{"[journal]\nsyslog = udp:logs.example.com:514\n", 2, "syslog must be off, local"},
	{"[journal]\nsyslog = tcp:127.0.0.1\n", 2, "syslog must be off, local"},
	{"[journal]\nsyslog = remote\n", 2, "syslog must be off, local"},
	{"[journal]\nschool = "
	 "0123456789012345678901234567890123456789012345678901234567890123456789"
	 "0123456789012345678901234567890123456789012345678901234567890123456789\n",
	 2, "school: longer than 128 bytes"},
	/* [category NAME] and [allow] */
	{"[category p]\nkind = maybe\nlist = a.list\n", 2, "kind must be block or bypass"},
	{"[category p]\nlist = zip:a.list\n", 2, "unknown format 'zip'"},
	{"[category p]\nlist = ?hosts:\n", 2, "the path is missing"},
	{"[category p]\nlist = missing.list\n", 2, "list missing.list: No such file"},
	{"[category p]\nlist = a.list/missing\n", 2, "list a.list/missing: Not a directory"},
	{"[category p]\nlist = ut1:a.list\n", 2, "a ut1 list is a folder"},
	{"[category p]\nlist = ut1dir\n", 2, "not a regular file (a UT1 folder needs ut1:)"},
	{"[category p]\nlist = a.list\nlist = native:a.list\n", 3, "named twice here"},
	{"[category p]\nlist = a.list\ntitle_zh = "
	 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\n",
	 3, "title_zh: longer than 120 bytes"},
	{"[allow]\nlist = nothere.list\n", 2, "list nothere.list: No such file"},
	/* [timetable NAME] */
	{"[timetable t]\ntimezone = Nowhere/City\n", 2, "timezone: 'Nowhere/City': unknown"},
	{"[timetable t]\nweekdays = funday\n", 2, "weekdays: 'funday'"},
	{"[timetable t]\ntime = 8:00-12:00\n", 2, "time: '8:00-12:00'"},
	{"[timetable t]\ntime = 08:00-08:00\n", 2, "empty time range"},
	{"[timetable t]\nholiday = 2026-02-30\n", 2, "holiday: '2026-02-30'"},
	{"[timetable t]\nexam = 2026-07-10..2026-07-01\n", 2, "ends before it starts"},
	{"[timetable t]\nexam = 2026-07-01 two words\n", 2, "label is one word"},
	/* [group NAME] */
	{"[group g]\nsubnet = 10.0.0.1/8\n", 2, "not ADDR/PREFIX"},
	{"[group g]\nsubnet = 10.0.0.0/33\n", 2, "not ADDR/PREFIX"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsubnet = 10.0.0.0/8\n", 3, "listed twice"},
	{"[group g]\nsubnet = 10.0.0.0/8\nblock = nosuch\n", 3, "unknown category 'nosuch'"},
	{"[group g]\nsubnet = 10.0.0.0/8\nblock_scheduled = nosuch\ntimetable = t\n"
	 "[timetable t]\n", 3, "unknown category 'nosuch'"},
	{"[group g]\nsubnet = 10.0.0.0/8\ntimetable = nosuch\n", 3, "unknown timetable 'nosuch'"},
	{"[category p]\nlist = a.list\n[group g]\nsubnet = 10.0.0.0/8\nblock_scheduled = p\n", 3,
	 "block_scheduled needs a timetable"},
	{"[group g]\nsubnet = 10.0.0.0/8\nblock_mode = drop\n", 3, "block_mode must be"},
	{"[group g]\nsubnet = 10.0.0.0/8\ntls_no_sni = yes\n", 3, "tls_no_sni must be allow or block"},
	{"[category b]\nkind = bypass\nech_list = adblock:a.list\n", 3,
	 "a list of ECH names is a plain (native) list"},
	{"[group g]\nsubnet = 10.0.0.0/8\nblock_mode = page\n", 1, "block_mode = page needs"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsafe_search = on\n", 3, "safe_search must be off"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsafe_search_google = x\n", 3,
	 "safe_search_google must be"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsafe_search_bing = x\n", 3, "safe_search_bing must be"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsafe_search_youtube = x\n", 3,
	 "safe_search_youtube must be"},
	{"[group g]\nsubnet = 10.0.0.0/8\nsafe_search_duckduckgo = x\n", 3,
	 "safe_search_duckduckgo must be"},
	{"[group g]\nblock_mode = null\n", 1, "group 'g' has no subnet"},
	{"[group a]\nsubnet = 10.0.0.0/8\n[group b]\nsubnet = 10.0.0.0/8\n", 3,
	 "subnet 10.0.0.0/8 is also in group 'a'"},
	/* [ipmac] */
	{"[ipmac]\nenforce = maybe\n", 2, "enforce must be yes or no"},
	{"[ipmac]\ninterface = lan 0\n", 2, "'lan 0' is not an interface name"},
	{"[ipmac]\nstatic = 52:54:00:12:34:56\n", 2, "is not MAC ADDRESS"},
	{"[ipmac]\nstatic = 52:54:00:12:34 10.1.2.3\n", 2, "is not MAC ADDRESS"},
	{"[ipmac]\nstatic = 52:54:00:12:34:56 10.1.2\n", 2, "is not MAC ADDRESS"},
	{"[ipmac]\nstatic = 52:54:00:12:34:56 2001:db8::1\n", 2, "is not MAC ADDRESS"},
	{"[ipmac]\nstatic = 52:54:00:12:34:56 10.1.2.3\nstatic = 52:54:00:12:34:57 10.1.2.3\n", 3,
	 "static: '10.1.2.3' is listed twice"},
	{"[ipmac]\nenforce = yes\nstatic = 52:54:00:12:34:56 10.1.2.3\n", 1, "needs interface"},
	{"[ipmac]\nenforce = yes\ninterface = lan0\n", 1, "needs a lease file"},
};

/* All cases in one test: forking a process per case is slow under ASan's leak check. */
START_TEST(test_reject)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct fx f;
		fx_init(&f);
		struct config *cfg = fx_load(&f, c->text);
		bool found = fx_has(&f, c->line, c->msg);
		if (cfg || !found) {
			fprintf(stderr, "case %zu: want line %u: %s\n", i, c->line, c->msg);
			fx_dump(&f);
		}
		ck_assert_msg(cfg == NULL, "case %zu (%s) was accepted", i, c->msg);
		ck_assert_msg(found, "case %zu: no message '%s' at line %u", i, c->msg, c->line);
		fx_free(&f);
	}
}
END_TEST

/* Messages go on after the first error: every bad line is reported in one run. */
START_TEST(test_reject_all_at_once)
{
	struct fx f;
	fx_init(&f);
	struct config *cfg = fx_load(&f, "[dns]\nthreads = x\ntimeout_ms = y\n[bogus]\nfoo = 1\n"
					 "[http]\nmax_conns = z\n");
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(f.d.errors, 4);
	ck_assert(fx_has(&f, 2, "threads"));
	ck_assert(fx_has(&f, 3, "timeout_ms"));
	ck_assert(fx_has(&f, 4, "unknown section"));
	ck_assert(fx_has(&f, 7, "max_conns")); /* keys in [bogus] are not reported again */
	fx_free(&f);
}
END_TEST

START_TEST(test_reject_files)
{
	struct diag d;
	diag_init(&d);
	ck_assert_ptr_null(config_load("/nonexistent/campusgate.conf", &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "/nonexistent/campusgate.conf: cannot open"));
	diag_free(&d);

	struct fx f;
	fx_init(&f);
	/* a folder opens but does not read */
	ck_assert_ptr_null(config_load(f.dir, &f.d));
	ck_assert_uint_eq(f.d.errors, 1);
	ck_assert_ptr_nonnull(strstr(f.d.msgs[0], ": cannot read: Is a directory"));

	size_t big = 1024 * 1024 + 10;
	char *text = malloc(big + 1);
	memset(text, '#', big);
	text[big] = '\0';
	ck_assert_ptr_null(fx_load(&f, text));
	ck_assert_ptr_nonnull(strstr(f.d.msgs[0], "file larger than"));
	free(text);

	/* a NUL byte in the middle of a line */
	char nul[] = "[dns]\nthreads = 1\n# x\0y\n";
	free(f.conf);
	f.conf = strdup(f.dir);
	f.conf = realloc(f.conf, strlen(f.dir) + 16);
	strcat(f.conf, "/nul.conf");
	FILE *fp = fopen(f.conf, "wb");
	fwrite(nul, 1, sizeof nul - 1, fp);
	fclose(fp);
	diag_free(&f.d);
	ck_assert_ptr_null(config_load(f.conf, &f.d));
	ck_assert(fx_has(&f, 3, "NUL byte"));

	/* config_parse reads only len bytes: no NUL at the end, a key line without '=' */
	const char *mem = "[dns]\nthreads = 1\nlisten";
	char *exact = malloc(strlen(mem));
	memcpy(exact, mem, strlen(mem));
	diag_free(&f.d);
	ck_assert_ptr_null(config_parse(exact, strlen(mem), "mem.conf", &f.d));
	ck_assert_uint_eq(f.d.errors, 1);
	ck_assert_str_eq(f.d.msgs[0], "mem.conf:3: expected 'key = value'");
	diag_free(&f.d);
	struct config *cfg = config_parse(exact, strlen(mem) - 7, "mem.conf", &f.d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->dns.threads, 1);
	ck_assert_str_eq(cfg->dir, ".");
	config_free(cfg);
	free(exact);

	/* a line longer than the INI reader takes */
	char line[400];
	memset(line, 'a', sizeof line);
	memcpy(line, "[journal]\nschool = ", 19);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	ck_assert_ptr_null(fx_load(&f, line));
	ck_assert(fx_has(&f, 2, "line longer than"));
	fx_free(&f);
}
END_TEST

/* Repeatable keys have limits; over them is an error, not a silent drop. */
START_TEST(test_reject_too_many)
{
	struct fx f;
	fx_init(&f);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_adds(&b, "[dns]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "listen = 127.0.0.1:%d\n", 1000 + i);
	sbuf_adds(&b, "[sensor]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "interface = eth%d\n", i);
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "resolver = 10.0.0.%d\n", i);
	sbuf_adds(&b, "[timetable t]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "time = 08:%02d-09:00\n", i % 60);
	for (int i = 0; i < 1001; i++)
		sbuf_printf(&b, "holiday = %d-01-01\n", 2000 + i % 200);
	sbuf_adds(&b, "[group g]\n");
	for (int i = 0; i < 1025; i++)
		sbuf_printf(&b, "subnet = 10.%d.%d.0/24\n", i / 256, i % 256);
	sbuf_adds(&b, "block = ");
	for (int i = 0; i < 65; i++)
		sbuf_adds(&b, "p ");
	sbuf_adds(&b, "\n");
	for (int i = 0; i < 33; i++)
		sbuf_printf(&b, "[category c%d]\nlist = a.list\n", i);
	ck_assert_ptr_null(fx_load(&f, b.data));
	ck_assert(fx_has(&f, 66, "listen: at most 64"));
	ck_assert(fx_has(&f, 67 + 65, "interface: at most 64"));
	ck_assert(fx_has(&f, 67 + 130, "resolver: at most 64"));
	ck_assert(fx_has(&f, 68 + 195, "time: at most 64"));
	ck_assert(fx_has(&f, 68 + 195 + 1001, "holiday: at most 1000"));
	ck_assert(fx_has(&f, 69 + 195 + 1001 + 1025, "subnet: at most 1024"));
	ck_assert(fx_has(&f, 70 + 195 + 1001 + 1025, "block: too many categories"));
	ck_assert(fx_has(&f, 71 + 195 + 1001 + 1025 + 64, "too many categories (at most 32)"));
	sbuf_free(&b);
	fx_free(&f);
}
END_TEST

/* With no zone files at all, a timetable that falls back to the school zone is refused. */
START_TEST(test_reject_default_zone)
{
	struct fx f;
	fx_init(&f);
	setenv("TZDIR", f.dir, 1);
	struct config *cfg = fx_load(&f, "[timetable t]\ntime = 08:00-09:00\n");
	unsetenv("TZDIR");
	ck_assert_ptr_null(cfg);
	ck_assert(fx_has(&f, 1, "timetable 't': time zone Asia/Shanghai: unknown time zone"));
	fx_free(&f);
}
END_TEST

static Suite *config_reject_suite(void)
{
	Suite *s = suite_create("config_reject");
	TCase *bad = tcase_create("reject");
	tcase_add_test(bad, test_reject);
	tcase_add_test(bad, test_reject_all_at_once);
	tcase_add_test(bad, test_reject_files);
	tcase_add_test(bad, test_reject_too_many);
	tcase_add_test(bad, test_reject_default_zone);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return tu_run(config_reject_suite(), NULL);
}
