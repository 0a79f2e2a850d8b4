/* listedit: an admin-editable list file (native format) edited as a whole: read,
 * entries added and removed, checked as `campusgate lists check` checks, and written
 * atomically (a temporary file in the same folder, fsync, rename, fsync of the folder),
 * so that a reader sees the old list or the new one, never half of one. Used by the web
 * console's /lists page (docs/console.md, "Lists"). */
#ifndef CG_LISTEDIT_H
#define CG_LISTEDIT_H

#include <stddef.h>

#include "config.h"
#include "util.h"

#define LISTEDIT_INPUT_MAX 49152        /* bytes of one edit's additions, or removals */
#define LISTEDIT_FILE_MAX (8u << 20)    /* bytes of an editable list */
#define LISTEDIT_TOKEN_LEN 24           /* hex digits of an edit token */
#define LISTEDIT_STALE (-2)             /* listedit_save: the file changed since read */

/* One list file being edited. text is the file as read ("" when it does not exist
 * yet), then as edited; token says which content was read (its hash and size): a form
 * shows it, and a save refuses to write over any other content. */
struct listedit {
	char *path;     /* the file */
	char *name;     /* as named in messages ("local/gambling.list") */
	struct sbuf text;
	char token[LISTEDIT_TOKEN_LEN + 1];
};

/* What an edit did, for the page and the journal: each a list of entries as written. */
struct listedit_change {
	char **added, **removed, **dup, **missing;
	size_t n_added, n_removed, n_dup, n_missing;
};

/* Read the list at path (a missing file reads as empty), naming it name. 0, or -1
 * with the reason in diag (not a regular file, longer than LISTEDIT_FILE_MAX,
 * unreadable). */
int listedit_load(struct listedit *e, const char *path, const char *name, struct diag *d);
void listedit_free(struct listedit *e);

/* The token of len bytes of content buf, into out. */
void listedit_token(const char *buf, size_t len, char out[LISTEDIT_TOKEN_LEN + 1]);

/* The entry a line holds, as a key that two spellings of one rule share ("D
 * example.com", "E ...", "U host|/path", "P pattern"), into key; -1 for a blank or
 * comment line or one that is not a valid rule (key then holds the trimmed text without
 * its comment, so that a bad line can still be removed by its text). */
int listedit_key(const char *line, size_t len, struct sbuf *key);

/* Apply an edit to e->text: remove every line whose entry is one of the lines of del
 * (an entry not in the list is noted in ch->missing, not an error), then append each
 * line of add whose entry is not in the list yet (else noted in ch->dup). Blank and
 * comment lines of add and del are ignored. The result is checked as `campusgate lists
 * check` checks a file named e->name: 0 with e->text edited; -1 with every problem in d
 * as "name:line: what" (lines of the edited file) and e->text unchanged, also when add
 * or del is longer than LISTEDIT_INPUT_MAX or the result longer than LISTEDIT_FILE_MAX. */
int listedit_apply(struct listedit *e, const char *add, size_t add_len, const char *del,
		   size_t del_len, struct listedit_change *ch, struct diag *d);
void listedit_change_free(struct listedit_change *ch);

/* The change as one line: "CATEGORY: +a.example -b.example (file NAME)", with at most
 * max bytes of entries (the rest summarised as "... +N -M more") and the last 240 bytes
 * of NAME; control characters shown as '?' (a journal event's reason takes none). */
void listedit_diff(const struct listedit_change *ch, const char *category, const char *file,
		   size_t max, struct sbuf *out);

/* Write e->text to e->path atomically, when the file still holds what e->token says
 * (else LISTEDIT_STALE and nothing is written). 0 (e->token then names the new
 * content), LISTEDIT_STALE, or -1 with the reason in d; a failed save leaves the old
 * file and no temporary file. */
int listedit_save(struct listedit *e, struct diag *d);

/* The two halves of listedit_save, for tests: write e->text to a new temporary file
 * beside e->path (fsynced, mode 0644; *tmp its path, caller frees), then rename it over
 * e->path and fsync the folder. A commit that fails removes the temporary file. */
int listedit_write_temp(const struct listedit *e, char **tmp, struct diag *d);
int listedit_commit(struct listedit *e, const char *tmp, struct diag *d);

/* Find entry key in the list at path (fmt, named name): the line number of the first
 * line with that entry, 0 when it is not there, -1 when the list cannot be read. */
long listedit_find(enum list_format fmt, const char *path, const char *name, const char *key);

#endif
