/* Process-wide helpers: the operational log, allocation, a growable byte buffer. */
#ifndef CG_UTIL_H
#define CG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CG_UNUSED(x) ((void)(x))

/* Operational log (start-up, errors, reloads): stderr, or syslog after log_to_syslog().
 * The security journal is a separate thing (journal.h). */
enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
void log_set_level(enum log_level level);
void log_to_syslog(const char *ident);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/* Log and exit(2); only during start-up. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Allocation that cannot fail (aborts with a message on exhaustion). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer; always NUL-terminated after the data. */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detach the data (caller frees); the buffer is left empty. */
char *sbuf_take(struct sbuf *b);

/* Diagnostics collected while loading config or lists: "file:line: message" strings.
 * Loading goes on after an error; the caller prints them and decides. */
struct diag {
	char **msgs;     /* the lines in English */
	char **zh;       /* the same in zh-CN, or NULL for a line not given by a catalogue id */
	int *ids;        /* each line's catalogue id (i18n.h diag_msg), or -1 */
	size_t n, cap;
	size_t errors;   /* lines that were rejected */
	size_t warnings; /* lines that were accepted with a remark */
	size_t max_kept; /* keep at most this many messages (0 = 1000); counts go on */
};
void diag_init(struct diag *d);
void diag_free(struct diag *d);
void diag_error(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_warn(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add an error (warn false) or warning given in both languages: en and zh are the
 * messages without the "FILE:LINE: " prefix and the warning mark, id the catalogue id. */
void diag_add_pair(struct diag *d, bool warn, const char *file, unsigned line, int id,
		   const char *en, const char *zh);
/* Print every kept message to f, one per line, and a line for the ones not kept. */
void diag_print(const struct diag *d, FILE *f);

/* Parse a whole decimal number into [min, max]; 0 on success, -1 on anything else. */
int parse_uint(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out);

/* Monotonic and wall clocks. */
uint64_t now_mono_ns(void);
int64_t now_wall_us(void);

/* Trim ASCII white space in place; returns s moved past leading space. */
char *str_trim(char *s);

#endif
