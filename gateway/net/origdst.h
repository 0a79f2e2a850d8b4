/* origdst: the original destination of a connection that nftables redirected to us. */
#ifndef CG_ORIGDST_H
#define CG_ORIGDST_H

#include <sys/socket.h>

/* The original destination of a redirected connection (SO_ORIGINAL_DST or
 * IP6T_SO_ORIGINAL_DST). 0, or -1 when the connection was not redirected (also when the
 * original destination is the socket's own address). */
int origdst_get(int fd, struct sockaddr_storage *out, socklen_t *out_len);

#endif
