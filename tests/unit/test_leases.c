/* Unit tests for the DHCP lease cache: the line parser (each rejection), lookups from a
 * file, a rewritten file picked up, a missing file, and the journal writer naming a
 * client's host name when it was opened with a lease file. */
#include "journal_tu.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "leases.h"
#include "leases_parse.h"
#include "testutil.h"

static int parse(const char *line, struct cg_addr *a, char name[LEASES_NAME_MAX])
{
	return leases_parse_line(line, strlen(line), a, name);
}

START_TEST(parse_lines)
{
	struct cg_addr a, want;
	char name[LEASES_NAME_MAX];
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.3 pc-301 01:52:54:00:12:34:56\n",
			       &a, name), 1);
	ck_assert_int_eq(addr_parse("10.1.2.3", &want), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_mem_eq(a.a, want.a, 4);
	ck_assert_str_eq(name, "pc-301");
	ck_assert_int_eq(parse("1764662400 1234 2001:db8::7 Lab-Mac.local 00:01:00:01\n", &a, name), 1);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(name, "Lab-Mac.local");
	/* no name */
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.4 * *\n", &a, name), 0);
	ck_assert_int_eq(parse("duid 00:01:00:01:2a:3b\n", &a, name), 0);
	/* malformed */
	ck_assert_int_eq(parse("", &a, name), -1);
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56\n", &a, name), -1);
	ck_assert_int_eq(parse("1764662400 52:54:00:12:34:56 10.1.2.3\n", &a, name), -1);
	ck_assert_int_eq(parse("soon 52:54:00:12:34:56 10.1.2.3 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("-5 52:54:00:12:34:56 10.1.2.3 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.300 pc *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.3 <script> *\n", &a, name), -1);
	ck_assert_int_eq(parse("1 52:54:00:12:34:56 10.1.2.3 a\"b *\n", &a, name), -1);
	char longname[200];
	memset(longname, 'x', 64);
	longname[64] = '\0';
	char line[300];
	snprintf(line, sizeof line, "1 52:54:00:12:34:56 10.1.2.3 %s *\n", longname);
	ck_assert_int_eq(parse(line, &a, name), -1); /* 64 bytes: one too long */
	longname[63] = '\0';
	snprintf(line, sizeof line, "1 52:54:00:12:34:56 10.1.2.3 %s *\n", longname);
	ck_assert_int_eq(parse(line, &a, name), 1);
	/* len is honoured: the name is cut where len ends */
	const char *cut = "1 52:54:00:12:34:56 10.1.2.3 pc-301 *";
	ck_assert_int_eq(leases_parse_line(cut, 31, &a, name), 1);
	ck_assert_str_eq(name, "pc");
	ck_assert_int_eq(leases_parse_line(cut, 10, &a, name), -1);
}
END_TEST

START_TEST(lookup_and_reload)
{
	char *dir = tu_tmpdir();
	char *path = tu_write_file(dir, "dnsmasq.leases",
				   "1 52:54:00:00:00:01 10.1.2.3 pc-301 *\n"
				   "garbage line\n"
				   "1 52:54:00:00:00:02 10.1.2.4 * *\n"
				   "duid 00:01\n"
				   "1 77 2001:db8::7 tablet-7 00:01\n");
	struct leases *l = leases_new(path);
	struct cg_addr a;
	char name[LEASES_NAME_MAX];
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "pc-301");
	ck_assert_int_eq(addr_parse("2001:db8::7", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "tablet-7");
	ck_assert_int_eq(addr_parse("10.1.2.4", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1); /* leased without a name */
	ck_assert_int_eq(addr_parse("10.1.2.5", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1);
	/* The DHCP server rewrites the file: seen after the next look a second later. */
	free(tu_write_file(dir, "dnsmasq.leases", "2 52:54:00:00:00:05 10.1.2.5 pc-305 *\n"));
	usleep(1100 * 1000);
	ck_assert_int_eq(leases_lookup(l, &a, name), 0);
	ck_assert_str_eq(name, "pc-305");
	ck_assert_int_eq(addr_parse("10.1.2.3", &a), 0);
	ck_assert_int_eq(leases_lookup(l, &a, name), -1); /* gone with the old file */
	leases_free(l);
	/* A file that is not there: no names, no crash. */
	struct leases *none = leases_new("/nonexistent/campusgate/leases");
	ck_assert_int_eq(leases_lookup(none, &a, name), -1);
	leases_free(none);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The writer names the client from the lease file when opened with lookup_mac (the
 * daemon) and a dhcp_leases path; an event that has a name keeps it; without
 * lookup_mac (campusgate sensor --read) no name is looked up. */
START_TEST(journal_names_client_from_leases)
{
	char *dir = tu_tmpdir();
	char *lf = tu_write_file(dir, "leases", "1 52:54:00:00:00:01 192.0.2.7 pc-301 *\n");
	char *jdir = tu_tmpdir();
	struct cfg_journal c = test_cfg(jdir);
	c.dhcp_leases = lf;
	for (int pass = 0; pass < 2; pass++) {
		c.lookup_mac = pass == 0;
		struct journal *j = open_ok(&c, "UTC");
		struct journal_event ev;
		ev_basic(&ev, "lookup.example");
		ck_assert_int_eq(addr_parse("192.0.2.7", &ev.client), 0);
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		ev.client_name = "given";
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
		journal_close(j);
	}
	c.dhcp_leases = NULL;
	struct lines ls;
	read_all(jdir, &ls);
	ck_assert_uint_eq(ls.n, 4);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[0].r.client_name, "pc-301");
	ck_assert_str_eq(ls.v[1].r.client_name, "given");
	ck_assert_ptr_null(ls.v[2].r.client_name);
	ck_assert_str_eq(ls.v[3].r.client_name, "given");
	lines_free(&ls);
	verify_ok(jdir);
	tu_rmtree(jdir);
	tu_rmtree(dir);
	free(jdir);
	free(dir);
	free(lf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("leases");
	TCase *tc = tcase_create("leases");
	tcase_add_test(tc, parse_lines);
	tcase_add_test(tc, lookup_and_reload);
	tcase_add_test(tc, journal_names_client_from_leases);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
