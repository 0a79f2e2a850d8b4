/* Helpers shared by the DNS message unit tests (see dns_msg_support.h). */
#include "dns_msg_support.h"

#include <string.h>

int chain_collect(void *arg, const char *name, size_t len)
{
	char *acc = arg;
	strncat(acc, name, len);
	strcat(acc, ";");
	return 0;
}
