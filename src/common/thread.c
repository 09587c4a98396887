/* Threads of the daemon: see thread.h. */
#include "common/thread.h"

#include <signal.h>

int st_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	static const int faults[] = {SIGBUS, SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
	sigset_t block, old;
	sigfillset(&block);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&block, faults[i]);
	/* The new thread inherits the mask in force when it is created. */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int err = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}
