/* The primary side of zone transfer, a service attached to the server: it
 * hands the server's TCP thread the streams of AXFR and IXFR answers, and
 * NOTIFYs the secondaries of a zone when the serial they would transfer
 * changes (at start, and after each reload). */
#ifndef ST_PRIMARY_PRIMARY_H
#define ST_PRIMARY_PRIMARY_H

#include "common/errors.h"
#include "primary/notify.h"

struct st_server;

typedef struct st_primary st_primary_t;

/* Attach to the server before st_server_start (main thread). */
int st_primary_start(struct st_server *srv, st_primary_t **out, st_diag_t *diag);
/* Stop every NOTIFY in flight and detach; accepts NULL. */
void st_primary_free(st_primary_t *p);

/* The NOTIFY results so far (main thread); NULL for a NULL service. */
const st_notify_t *st_primary_notify(const st_primary_t *p);

#endif
