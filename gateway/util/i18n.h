/* Messages people read, in zh-CN or English: the language, and the message catalogue
 * (messages.def) with its printf-like helpers. */
#ifndef CG_I18N_H
#define CG_I18N_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cg_config.h" /* CG_CONFIG_FILE in the help texts */
#include "util.h"

enum lang { LANG_EN, LANG_ZH };

/* From $LC_ALL, $LC_MESSAGES, $LANG ("zh_CN.UTF-8" -> LANG_ZH); English otherwise. */
enum lang lang_from_env(void);
/* "zh", "zh-CN", "zh_CN.UTF-8" -> LANG_ZH; "en*" -> LANG_EN; other -> fallback. */
enum lang lang_parse(const char *s, enum lang fallback);
/* The better of an HTTP Accept-Language header, default zh. */
enum lang lang_from_accept(const char *accept_language, size_t len);

#define LANG_N 2

/* The message catalogue (messages.def): MSG_<ID> names each message and reason. */
enum msg_id {
#define MSG(id, en, zh) MSG_##id,
#define REASON(id, en, zh) MSG_##id,
#include "messages.def"
#undef MSG
#undef REASON
	MSG_COUNT
};

/* The English texts under names the checking macros build from an id (MSG_X -> MSG_X_en),
 * so that the compiler checks a call's arguments against the English format. Unused ones
 * cost nothing. */
#define MSG(id, en, zh) static const char MSG_##id##_en[] = en;
#define REASON(id, en, zh) static const char MSG_##id##_en[] = en;
#include "messages.def"
#undef MSG
#undef REASON

/* Message id in language l: a static string (a printf format for a MSG with arguments). */
const char *msg(enum lang l, enum msg_id id);
/* The id's name ("MSG_CFG_UNKNOWN_KEY") and whether it is a REASON; for tests and checks. */
const char *msg_name(enum msg_id id);
bool msg_is_reason(enum msg_id id);
/* "en" or "zh-CN": the tag of language l (HTML lang, Content-Language). */
const char *lang_tag(enum lang l);

/* Type-check the arguments of message id against its English format, at compile time only
 * (the call is never made). */
#define MSG_CHECK(id, ...) ((void)(0 && printf(id##_en, ##__VA_ARGS__)))

/* printf, fprintf, sbuf_printf and snprintf of message id in language l; the arguments are
 * checked against the English format. */
#define msg_printf(l, id, ...) (MSG_CHECK(id, ##__VA_ARGS__), msg_fprintf_(stdout, l, id, ##__VA_ARGS__))
#define msg_fprintf(f, l, id, ...) (MSG_CHECK(id, ##__VA_ARGS__), msg_fprintf_(f, l, id, ##__VA_ARGS__))
#define msg_sbuf_printf(b, l, id, ...) (MSG_CHECK(id, ##__VA_ARGS__), msg_sbuf_printf_(b, l, id, ##__VA_ARGS__))
#define msg_snprintf(buf, n, l, id, ...) (MSG_CHECK(id, ##__VA_ARGS__), msg_snprintf_(buf, n, l, id, ##__VA_ARGS__))
int msg_fprintf_(FILE *f, enum lang l, enum msg_id id, ...);
struct sbuf;
void msg_sbuf_printf_(struct sbuf *b, enum lang l, enum msg_id id, ...);
int msg_snprintf_(char *buf, size_t n, enum lang l, enum msg_id id, ...);

/* A config or list diagnostic "FILE:LINE: [warning: ]MESSAGE" (diag_error/diag_warn with
 * warn false/true) given by id, kept in English and in zh-CN, so that lang_diag_print and
 * diag_text show it in the reader's language. The arguments are evaluated once per
 * language (pass values, not calls with side effects; errno is kept); an argument written
 * MSG_REASON(why) is a parser's reason or a strerror() text, shown in that language too. */
#define diag_msg(d, warn, file, line, id, ...)                                             \
	do {                                                                                \
		struct diag_texts dt_;                                                     \
		for (enum lang L_ = LANG_EN; L_ < LANG_N; L_++) {                          \
			MSG_CHECK(id, ##__VA_ARGS__);                                      \
			diag_texts_set(&dt_, L_, id, ##__VA_ARGS__);                        \
		}                                                                           \
		diag_texts_add(d, warn, file, line, id, &dt_);                              \
	} while (0)
#define MSG_REASON(why) lang_reason(L_, why)
struct diag_texts {
	char text[LANG_N][1024];
};
void diag_texts_set(struct diag_texts *t, enum lang l, enum msg_id id, ...);
void diag_texts_add(struct diag *d, bool warn, const char *file, unsigned line,
		    enum msg_id id, const struct diag_texts *t);
/* Message i of d in language l: the zh-CN text when it was given by id, else the English
 * line through lang_diag (buf of n bytes may be used); the id, or -1, in *id when set. */
const char *diag_text(const struct diag *d, size_t i, enum lang l, char *buf, size_t n,
		      int *id);

/* The reasons the parsers give in English (name.c, lists.c, tz.c: "bad character in
 * name", "hosts line without a name", ...) in language l. For LANG_EN, or a reason not
 * in the table, en itself. The result is a static string or en. */
const char *lang_reason(enum lang l, const char *en);

/* A diagnostic line "FILE:LINE: [warning: ]REASON[: TEXT]" given by a format, not an id,
 * in language l: after the first ": " where one is found, a known reason (a REASON of the
 * catalogue) and the "warning: " mark (also before a reason the catalogue does not know)
 * translated, the rest (file names, the offending text) as it was. Writes at most n bytes
 * to buf (n > 0) and returns buf, or returns msg untranslated for LANG_EN or when no known
 * reason is in it. */
const char *lang_diag(enum lang l, const char *msg, char *buf, size_t n);

/* diag_print() in language l: every kept message through diag_text, then the count of
 * the ones not kept. */
void lang_diag_print(enum lang l, const struct diag *d, FILE *f);

#endif
