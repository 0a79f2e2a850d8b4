/* views: the console's page handlers, one file each (view_*.c), called by server.c
 * after the session, role and CSRF checks (srv.h's struct hctx). Each serves its
 * route and the paths under it ("/journal", "/journal/event" ...). */
#ifndef CG_VIEWS_H
#define CG_VIEWS_H

#include "srv.h"

enum MHD_Result view_dashboard(struct hctx *h);   /* view_dashboard.c */
enum MHD_Result view_journal(struct hctx *h);     /* view_journal.c: list, event, client, CSV */
enum MHD_Result view_report(struct hctx *h);      /* view_report.c */
enum MHD_Result view_check(struct hctx *h);       /* view_check.c */
enum MHD_Result view_unblock(struct hctx *h);     /* view_unblock.c: the queue, decisions */
enum MHD_Result view_lists(struct hctx *h);       /* view_lists.c (admin) */
enum MHD_Result view_accounts(struct hctx *h);    /* view_accounts.c (admin) */
enum MHD_Result view_password(struct hctx *h);    /* view_password.c: one's own */

#endif
