/* view_accounts: the console's /accounts page. Not built yet: 501. */
#include "views.h"

enum MHD_Result view_accounts(struct hctx *h)
{
	return srv_message(h, 501, MSG_CONSOLE_NOT_YET, MSG_CONSOLE_NOT_YET_TEXT);
}
