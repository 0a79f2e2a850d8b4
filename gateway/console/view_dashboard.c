/* view_dashboard: the console's first page, /: the gateway's status from campusgated. */
#include <string.h>

#include "views.h"

enum MHD_Result view_dashboard(struct hctx *h)
{
	struct sbuf rep, page;
	sbuf_init(&rep);
	sbuf_init(&page);
	const char *why = NULL;
	const char *status = srv_control(h->s, "status", 3000, &rep, &why) == 0 ? rep.data : NULL;
	page_dashboard(&page, &h->pc, status, why);
	sbuf_free(&rep);
	return srv_page(h, 200, &page);
}
