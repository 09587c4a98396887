/* Fixture of the health table tests: a private folder under /tmp for the
 * group, and the table's path in it (health.shm). */
#ifndef TEST_HEALTH_TMP_H
#define TEST_HEALTH_TMP_H

#include <stdio.h>
#include <stdlib.h>

static char dir[256];
static char path[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/steer-test-health.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/health.shm", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
