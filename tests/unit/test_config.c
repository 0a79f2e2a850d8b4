/* Unit tests for config: the defaults, the extra blocklist, loading and every rejection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
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
	ck_assert_uint_eq(cfg->n_allow, 1);
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
	ck_assert_uint_eq(shipped, 8);
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
	suite_add_tcase(s, load);
	return s;
}

int main(void)
{
	return tu_run(config_suite(), NULL);
}
