/* Threads of the daemon: started with every asynchronous signal blocked
 * (signals belong to the main loop), but never the faults they raise
 * themselves. */
#ifndef ST_COMMON_THREAD_H
#define ST_COMMON_THREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread except the
 * synchronous faults (SIGBUS, SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGSYS): a
 * fault blocked in the thread that raises it kills the process without
 * running its handler, and the health table's SIGBUS guard must run in the
 * query workers. Returns 0 or a negative errno. */
int st_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);

#endif
