/* Tests for dns_cache.c: keys, TTL expiry, LRU eviction by entries and by bytes. */
#include <stdio.h>
#include <string.h>

#include "dns_cache.h"
#include "testutil.h"

static const uint8_t MSG[40] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint16_t OFFS[2] = {20, 30};

START_TEST(put_get_by_full_key)
{
	struct dns_cache *c = dns_cache_new(10, 1 << 20);
	ck_assert_int_eq(dns_cache_put(c, "a.test", 6, 1, 1, 0, MSG, sizeof MSG, 0, OFFS, 2,
				       60, true, 100), 0);
	const struct dns_cache_entry *e = dns_cache_get(c, "a.test", 6, 1, 1, 0, 110);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->len, sizeof MSG);
	ck_assert_int_eq(memcmp(e->msg, MSG, sizeof MSG), 0);
	ck_assert_uint_eq(e->n_ttls, 2);
	ck_assert_uint_eq(e->ttl_offs[1], 30);
	ck_assert_uint_eq(e->stored_s, 100);
	ck_assert(e->chain);
	/* Type, class, DO bit, CD bit and name are all part of the key. */
	ck_assert_ptr_null(dns_cache_get(c, "a.test", 6, 28, 1, 0, 110));
	ck_assert_ptr_null(dns_cache_get(c, "a.test", 6, 1, 3, 0, 110));
	ck_assert_ptr_null(dns_cache_get(c, "a.test", 6, 1, 1, DNS_CACHE_DO, 110));
	ck_assert_ptr_null(dns_cache_get(c, "b.test", 6, 1, 1, 0, 110));
	ck_assert_ptr_null(dns_cache_get(c, "a.tes", 5, 1, 1, 0, 110));
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.misses, 5);
	ck_assert_uint_eq(st.entries, 1);
	/* A second put replaces. */
	ck_assert_int_eq(dns_cache_put(c, "a.test", 6, 1, 1, 0, MSG, 10, 0, NULL, 0, 5, false,
				       110), 0);
	e = dns_cache_get(c, "a.test", 6, 1, 1, 0, 111);
	ck_assert_uint_eq(e->len, 10);
	dns_cache_get_stats(c, &st);
	ck_assert_uint_eq(st.entries, 1);
	dns_cache_free(c);
}
END_TEST

/* An answer fetched with CD=1 (validation off upstream) must never answer a CD=0 query,
 * and the other way round: each has its own entry. */
START_TEST(cd_bit_keys_separately)
{
	static const uint8_t CD_MSG[12] = {0xcd, 0xcd};
	static const uint8_t PLAIN_MSG[12] = {0x00, 0x01};
	struct dns_cache *c = dns_cache_new(10, 1 << 20);
	ck_assert_int_eq(dns_cache_put(c, "bogus.test", 10, 1, 1, DNS_CACHE_CD, CD_MSG,
				       sizeof CD_MSG, 0, NULL, 0, 60, false, 0), 0);
	ck_assert_ptr_null(dns_cache_get(c, "bogus.test", 10, 1, 1, 0, 1));
	ck_assert_ptr_null(dns_cache_get(c, "bogus.test", 10, 1, 1, DNS_CACHE_DO, 1));
	ck_assert_ptr_nonnull(dns_cache_get(c, "bogus.test", 10, 1, 1, DNS_CACHE_CD, 1));
	ck_assert_int_eq(dns_cache_put(c, "bogus.test", 10, 1, 1, 0, PLAIN_MSG, sizeof PLAIN_MSG,
				       0, NULL, 0, 60, false, 0), 0);
	const struct dns_cache_entry *e = dns_cache_get(c, "bogus.test", 10, 1, 1, 0, 1);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->msg[0], 0x00);
	e = dns_cache_get(c, "bogus.test", 10, 1, 1, DNS_CACHE_CD, 1);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->msg[0], 0xcd);
	ck_assert_ptr_null(dns_cache_get(c, "bogus.test", 10, 1, 1, DNS_CACHE_CD | DNS_CACHE_DO,
					 1));
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	ck_assert_uint_eq(st.entries, 2);
	dns_cache_free(c);
}
END_TEST

START_TEST(ttl_expiry_and_zero_ttl)
{
	struct dns_cache *c = dns_cache_new(10, 1 << 20);
	dns_cache_put(c, "a.test", 6, 1, 1, 0, MSG, sizeof MSG, 0, OFFS, 2, 30, false, 1000);
	ck_assert_ptr_nonnull(dns_cache_get(c, "a.test", 6, 1, 1, 0, 1029));
	ck_assert_ptr_null(dns_cache_get(c, "a.test", 6, 1, 1, 0, 1030));
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_int_eq(dns_cache_put(c, "z.test", 6, 1, 1, 0, MSG, 8, 0, NULL, 0, 0, false,
				       1000), 0);
	ck_assert_ptr_null(dns_cache_get(c, "z.test", 6, 1, 1, 0, 1000));
	char big[300];
	memset(big, 'a', sizeof big);
	ck_assert_int_eq(dns_cache_put(c, big, 300, 1, 1, 0, MSG, 8, 0, NULL, 0, 9, false, 0),
			 -1);
	ck_assert_ptr_null(dns_cache_get(c, big, 300, 1, 1, 0, 0));
	dns_cache_free(c);
}
END_TEST

START_TEST(lru_eviction_by_entries)
{
	struct dns_cache *c = dns_cache_new(3, 1 << 20);
	dns_cache_put(c, "a", 1, 1, 1, 0, MSG, 8, 0, NULL, 0, 60, false, 0);
	dns_cache_put(c, "b", 1, 1, 1, 0, MSG, 8, 0, NULL, 0, 60, false, 0);
	dns_cache_put(c, "c", 1, 1, 1, 0, MSG, 8, 0, NULL, 0, 60, false, 0);
	ck_assert_ptr_nonnull(dns_cache_get(c, "a", 1, 1, 1, 0, 1)); /* a is recent now */
	dns_cache_put(c, "d", 1, 1, 1, 0, MSG, 8, 0, NULL, 0, 60, false, 1);
	ck_assert_ptr_null(dns_cache_get(c, "b", 1, 1, 1, 0, 1));
	ck_assert_ptr_nonnull(dns_cache_get(c, "a", 1, 1, 1, 0, 1));
	ck_assert_ptr_nonnull(dns_cache_get(c, "c", 1, 1, 1, 0, 1));
	ck_assert_ptr_nonnull(dns_cache_get(c, "d", 1, 1, 1, 0, 1));
	dns_cache_set_limits(c, 1, 1 << 20);
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_uint_eq(st.evictions, 3);
	ck_assert_ptr_nonnull(dns_cache_get(c, "d", 1, 1, 1, 0, 1));
	dns_cache_free(c);
}
END_TEST

START_TEST(bounded_by_bytes_and_grows)
{
	struct dns_cache *c = dns_cache_new(100000, 64 * 1024);
	uint8_t m[512] = {0};
	char name[32];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof name, "n%d.test", i);
		ck_assert_int_eq(dns_cache_put(c, name, (size_t)n, 1, 1, 0, m, sizeof m, 0, NULL,
					       0, 60, false, 0), 0);
	}
	struct dns_cache_stats st;
	dns_cache_get_stats(c, &st);
	ck_assert_uint_le(st.bytes, 64 * 1024);
	ck_assert_uint_gt(st.entries, 50);
	ck_assert_ptr_nonnull(dns_cache_get(c, "n4999.test", 10, 1, 1, 0, 1));
	ck_assert_ptr_null(dns_cache_get(c, "n0.test", 7, 1, 1, 0, 1));
	/* Larger than the whole budget: refused. */
	static uint8_t huge[70000];
	ck_assert_int_eq(dns_cache_put(c, "h", 1, 1, 1, 0, huge, sizeof huge, 0, NULL, 0, 60,
				       false, 0), -1);
	dns_cache_free(c);
	/* Many entries: the table grows and everything stays findable. */
	c = dns_cache_new(20000, 1 << 26);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(name, sizeof name, "g%d", i);
		dns_cache_put(c, name, (size_t)n, 1, 1, 0, m, 16, 0, NULL, 0, 60, false, 0);
	}
	for (int i = 0; i < 20000; i += 997) {
		int n = snprintf(name, sizeof name, "g%d", i);
		ck_assert_ptr_nonnull(dns_cache_get(c, name, (size_t)n, 1, 1, 0, 1));
	}
	dns_cache_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_cache");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, put_get_by_full_key);
	tcase_add_test(tc, cd_bit_keys_separately);
	tcase_add_test(tc, ttl_expiry_and_zero_ttl);
	tcase_add_test(tc, lru_eviction_by_entries);
	tcase_add_test(tc, bounded_by_bytes_and_grows);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
