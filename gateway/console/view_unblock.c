/* view_unblock: the console's /unblock page. Not built yet: 501. */
#include "views.h"

enum MHD_Result view_unblock(struct hctx *h)
{
	return srv_message(h, 501, MSG_CONSOLE_NOT_YET, MSG_CONSOLE_NOT_YET_TEXT);
}
