/* view_check: the console's /check page. Not built yet: 501. */
#include "views.h"

enum MHD_Result view_check(struct hctx *h)
{
	return srv_message(h, 501, MSG_CONSOLE_NOT_YET, MSG_CONSOLE_NOT_YET_TEXT);
}
