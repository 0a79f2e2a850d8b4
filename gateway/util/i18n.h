/* Messages people read, in zh-CN or English. */
#ifndef CG_I18N_H
#define CG_I18N_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag;

enum lang { LANG_EN, LANG_ZH };

/* From $LC_ALL, $LC_MESSAGES, $LANG ("zh_CN.UTF-8" -> LANG_ZH); English otherwise. */
enum lang lang_from_env(void);
/* "zh", "zh-CN", "zh_CN.UTF-8" -> LANG_ZH; "en*" -> LANG_EN; other -> fallback. */
enum lang lang_parse(const char *s, enum lang fallback);
/* The better of an HTTP Accept-Language header, default zh. */
enum lang lang_from_accept(const char *accept_language, size_t len);

/* Pick a message: T(lang, "english", "中文"). */
static inline const char *T(enum lang l, const char *en, const char *zh)
{
	return l == LANG_ZH ? zh : en;
}

/* The reasons the parsers give in English (name.c, lists.c, tz.c: "bad character in
 * name", "hosts line without a name", ...) in language l. For LANG_EN, or a reason not
 * in the table, en itself. The result is a static string or en. */
const char *lang_reason(enum lang l, const char *en);

/* A diagnostic line "FILE:LINE: [warning: ]REASON[: TEXT]" in language l: after the first
 * ": " where one is found, a whole config loader message (lang_config_msg) or else a known
 * reason, and the "warning: " mark (also before a reason the table does not know)
 * translated, the rest (file names, the offending text) as it was. Writes at most n bytes to buf (n > 0) and returns buf,
 * or returns msg untranslated for LANG_EN or when no known reason is in it. */
const char *lang_diag(enum lang l, const char *msg, char *buf, size_t n);

/* The zh-CN form of the text of one config loader diagnostic (what follows "FILE:LINE: "
 * and the warning mark): when all of body matches one of the loader's English formats,
 * that message in zh-CN with its values (keys, names, paths, numbers) as they were, and
 * the reasons in it through lang_reason. Writes at most n bytes to buf and returns buf;
 * NULL when no format matches. *which (when which is set) gets the format's index or -1. */
const char *lang_config_msg(const char *body, char *buf, size_t n, int *which);
/* Format i of that table: its English printf format, and its zh-CN template in *zh
 * (when zh is set); NULL past the end. */
const char *lang_config_format(size_t i, const char **zh);

/* diag_print() in language l: every kept message through lang_diag, then the count of
 * the ones not kept. */
void lang_diag_print(enum lang l, const struct diag *d, FILE *f);

#endif
