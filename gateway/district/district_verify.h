/* `campusgate district verify`: each school's hash chain recomputed from the lines the
 * store keeps (with the journal's own chain check), the first gap in its sequence, and
 * its daily digests against the stored lines; optionally a school's local journal
 * compared line by line with the store's copy. */
#ifndef CG_DISTRICT_VERIFY_H
#define CG_DISTRICT_VERIFY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "journal_verify.h"

/* What was found for one school. */
struct district_verify_result {
	char school_id[65];
	struct journal_verify_result chain;  /* the stored lines as a chain */
	bool gap;                            /* the first gap in the stored seqs: */
	uint64_t gap_after, gap_next;        /* seq gap_after is followed by gap_next */
	uint64_t digests_ok;
	bool digest_bad;                     /* the first digest that differs: */
	char digest_day[11];
	char digest_what[256];
	int status;                          /* 0 intact, 1 damage found, 2 could not check */
	char error[256];                     /* status 2: why */
};

typedef void (*district_verify_cb)(const struct district_verify_result *r, void *ctx);

/* Verify school (NULL: every school in the store), calling cb with each result. Returns
 * the worst status. */
int district_verify(PGconn *c, const char *school, district_verify_cb cb, void *ctx);

/* The messages the ingest rejected because their school_id was not the school whose
 * certificate sent them (district ingest --authenticated), grouped by certificate and
 * claimed school; with school, only those where it is either. cb(cert, claimed, count) for
 * each group. Returns the number of such messages, or -1 with the store's error in err. */
typedef void (*district_forged_cb)(const char *cert_school, const char *claimed,
				   unsigned long long n, void *ctx);
long long district_verify_forged(PGconn *c, const char *school, district_forged_cb cb,
				 void *ctx, char *err, size_t errlen);

/* Compare the local journal in dir with the store's copy of school: the first seq whose
 * line differs (a local rewrite), lines only the store has, lines only the journal has.
 * 0 the same, 1 different (described in what), 2 could not compare. */
int district_compare(PGconn *c, const char *school, const char *dir, char *what, size_t wlen);

#endif
