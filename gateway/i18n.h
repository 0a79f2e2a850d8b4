/* Messages people read, in zh-CN or English. */
#ifndef CG_I18N_H
#define CG_I18N_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
