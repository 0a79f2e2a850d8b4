/* The district store in PostgreSQL (config/district/schema.sql): the ingest's batches,
 * copied in with COPY and merged idempotently on (school, seq) in one transaction. */
#ifndef CG_DISTRICT_STORE_H
#define CG_DISTRICT_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "district_msg.h"

struct district_store;

/* Connect with a libpq conninfo ("" or NULL: the PG* environment). NULL with a message
 * (to free) in *err. */
struct district_store *district_store_open(const char *conninfo, char **err);

/* Queue a parsed message, or a message refused with why, into the open batch. */
void district_store_add(struct district_store *s, const struct district_msg *m);
void district_store_reject(struct district_store *s, const char *buf, size_t len,
			   const char *why);

/* Messages queued since the last commit. */
uint64_t district_store_pending(const struct district_store *s);

/* Write the batch in one transaction: lines not stored yet, their rollups, the schools'
 * last-seen times, digests and rejects. 0, and the new lines in *inserted; -1 with the
 * server's message (to free) in *err, and the batch kept for a retry. */
int district_store_commit(struct district_store *s, uint64_t *inserted, char **err);

/* Forget the queued batch (after the sender was told it failed). */
void district_store_discard(struct district_store *s);

/* The connection, for the readers (verify, review). */
PGconn *district_store_conn(struct district_store *s);

void district_store_close(struct district_store *s);

#endif
