/* `campusgate district ingest`: the program rsyslog's omprog runs on the district, one
 * message a line on stdin, each confirmed on stdout only once it is committed. */
#ifndef CG_DISTRICT_INGEST_H
#define CG_DISTRICT_INGEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "district_store.h"

struct district_ingest_opts {
	bool confirm;        /* omprog confirmMessages=on: answer OK / DEFER_COMMIT / an error */
	uint64_t batch;      /* without confirm (a file): commit every batch messages */
	/* false (the default): each line starts with the school id its listener
	 * authenticated (district_msg_parse_auth); a line without it, or naming another
	 * school, is rejected, never stored under that school. true: the message's own
	 * school_id is believed (district_msg_parse): for tests and benchmarks only. */
	bool trust_message_school;
};

struct district_ingest_stats {
	uint64_t messages, inserted, rejected, commits, failed_commits;
	uint64_t forged;     /* of rejected: school_id not the certificate's school */
};

/* Read messages from in until EOF and store them through s. With confirm: "OK" once
 * ready; "BEGIN TRANSACTION" answered OK; each message DEFER_COMMIT inside a
 * transaction (committed at "COMMIT TRANSACTION", answered OK or "ERROR ..." so that
 * rsyslog keeps and resends the batch), or committed alone and answered outside one. A
 * message that cannot be parsed is kept in rejects and confirmed (a resend would not
 * parse either). Returns 0, or -1 when a commit failed without confirm (file mode). */
int district_ingest_run(FILE *in, FILE *out, struct district_store *s,
			const struct district_ingest_opts *o, struct district_ingest_stats *st);

#endif
