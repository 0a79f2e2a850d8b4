/* libFuzzer target for the config reader (config_parse: libinih, every key's checks)
 * and, on the same bytes, the TZif zone parser and the timetable value parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "timetable.h"
#include "tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	diag_init(&d);
	d.max_kept = 16;
	/* a folder that does not exist: list files are looked up, none is found */
	struct config *cfg = config_parse((const char *)data, size, "/nonexistent-cg-fuzz/f.conf",
					  &d);
	if (cfg) {
		/* whatever loads must be usable: walk the timetables */
		for (size_t i = 0; i < cfg->n_timetables; i++) {
			const char *err = NULL;
			struct tz *tz = tz_load(cfg->timetables[i].timezone, &err);
			if (tz) {
				timetable_active(&cfg->timetables[i], tz, (time_t)1795000000);
				tz_free(tz);
			}
		}
	}
	config_free(cfg);
	diag_free(&d);

	const char *err = NULL;
	struct tz *tz = tz_parse(data, size, "fuzz", &err);
	if (tz) {
		struct tm tm;
		for (int64_t t = -4000000000LL; t < 8000000000LL; t += 97000000)
			tz_localtime(tz, (time_t)t, &tm);
		tz_mktime(tz, &tm);
		tz_free(tz);
	}

	if (size < 256) {
		char s[256];
		memcpy(s, data, size);
		s[size] = '\0';
		uint8_t wd;
		struct cfg_timerange tr;
		struct cfg_daterange dr;
		const char *why;
		timetable_parse_weekdays(s, &wd, &why);
		timetable_parse_time(s, &tr, &why);
		if (timetable_parse_dates(s, &dr, &why) == 0)
			free(dr.label);
	}
	return 0;
}
