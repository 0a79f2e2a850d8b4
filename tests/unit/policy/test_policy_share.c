/* Tests for sharing policy snapshots between threads: a held snapshot stays valid
 * across a swap, and readers under load never see a half-built one. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "i18n.h"
#include "name.h"
#include "policy.h"
#include "policy_support.h"
#include "testutil.h"
#include "util.h"

static struct policy *make_policy(const char *blocked)
{
	struct config *cfg = config_default();
	char line[128];

	snprintf(line, sizeof(line), "%s\n", blocked);
	add_category(cfg, "gambling", CATEGORY_BLOCK, line);
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	return p;
}

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t swap_cond = PTHREAD_COND_INITIALIZER;
static int swap_stage;

static void swap_wait(int stage)
{
	pthread_mutex_lock(&swap_lock);
	while (swap_stage < stage)
		pthread_cond_wait(&swap_cond, &swap_lock);
	pthread_mutex_unlock(&swap_lock);
}

static void swap_signal(int stage)
{
	pthread_mutex_lock(&swap_lock);
	swap_stage = stage;
	pthread_cond_broadcast(&swap_cond);
	pthread_mutex_unlock(&swap_lock);
}

static void *holder(void *arg)
{
	int *ok = arg;
	struct verdict v;
	struct request req = { .host = "old.example", .host_len = 11, .when = WED_1000 };
	struct policy *p = policy_acquire();

	swap_signal(1);
	swap_wait(2); /* the main thread has published a new snapshot */
	/* The old snapshot is still whole: its rules, its strings. */
	*ok = policy_decide(p, &req, &v) == ACTION_BLOCK && strcmp(v.rule.file,
		"lists/gambling.list") == 0 && v.rule.text_len == 11 &&
		memcmp(v.rule.text, "old.example", 11) == 0;
	policy_unref(p);
	return NULL;
}

START_TEST(swap_keeps_held_snapshot_valid)
{
	pthread_t t;
	int ok = 0;
	struct verdict v;
	struct request req = { .host = "old.example", .host_len = 11, .when = WED_1000 };

	policy_publish(make_policy("old.example"));
	swap_stage = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, holder, &ok), 0);
	swap_wait(1);
	policy_publish(make_policy("new.example")); /* drops the old one's published ref */
	struct policy *cur = policy_acquire();
	ck_assert_int_eq(policy_decide(cur, &req, &v), ACTION_ALLOW);
	policy_unref(cur);
	swap_signal(2);
	pthread_join(t, NULL);
	ck_assert_msg(ok, "the thread's old snapshot changed under it");
	policy_publish(NULL);
	ck_assert_ptr_null(policy_acquire());
}
END_TEST

static atomic_int stop_readers, bad_readers;

static void *reader(void *arg)
{
	size_t *decisions = arg;
	struct verdict v;
	struct request req = { .host = "a.example", .host_len = 9, .when = WED_1000 };

	while (!atomic_load(&stop_readers)) {
		struct policy *p = policy_acquire();
		if (p) {
			enum action a = policy_decide(p, &req, &v);
			/* Either snapshot may be current; each verdict must be whole. */
			if (strcmp(v.group, "default") != 0 ||
			    (a == ACTION_BLOCK && (v.rule.text_len != 9 ||
						   memcmp(v.rule.text, "a.example", 9) != 0)))
				atomic_fetch_add(&bad_readers, 1);
			policy_unref(p);
			(*decisions)++;
		}
	}
	return NULL;
}

START_TEST(swap_under_load)
{
	pthread_t t[4];
	size_t n[4] = { 0 };

	atomic_store(&stop_readers, 0);
	policy_publish(make_policy("a.example"));
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, reader, &n[i]), 0);
	for (int i = 0; i < 50; i++)
		policy_publish(make_policy(i % 2 ? "a.example" : "b.example"));
	atomic_store(&stop_readers, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_gt(n[0] + n[1] + n[2] + n[3], 0);
	ck_assert_int_eq(atomic_load(&bad_readers), 0);
	policy_publish(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_share");
	TCase *tc = tcase_create("policy_share");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, swap_keeps_held_snapshot_valid);
	tcase_add_test(tc, swap_under_load);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
