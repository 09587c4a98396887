/* The replay driver of builds without libFuzzer: every file of the given
 * folders (default: the target's checked-in corpus) through
 * LLVMFuzzerTestOneInput(), so that make check keeps running every input
 * that once found a bug. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MAX (1 << 20)

static int replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX];
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* A copy of exactly the input's size, so that reads past it are caught. */
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return -1;
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	char def[4096];
	int files = 0, failed = 0;
	int ndirs = argc - 1;
	char **dirs = argv + 1;
	char *one[1] = {def};
	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0) {
		if (!fuzz_write_seeds) {
			fprintf(stderr, "fuzz_%s: no seeds are made by code\n", fuzz_target);
			return 1;
		}
		return fuzz_write_seeds(argv[2]);
	}
	if (ndirs == 0) {
		snprintf(def, sizeof(def), "%s/tests/fuzz/corpus/%s", fuzz_srcdir(), fuzz_target);
		dirs = one;
		ndirs = 1;
	}
	for (int d = 0; d < ndirs; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir) {
			/* A single file given on the command line. */
			if (replay_file(dirs[d]) < 0)
				failed++;
			else
				files++;
			continue;
		}
		struct dirent *e;
		while ((e = readdir(dir))) {
			char path[8192];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			if (replay_file(path) < 0)
				failed++;
			else
				files++;
		}
		closedir(dir);
	}
	fuzz_fini();
	printf("fuzz_%s: replayed %d inputs\n", fuzz_target, files);
	if (files < 10) {
		fprintf(stderr, "fuzz_%s: corpus missing or too small\n", fuzz_target);
		return 1;
	}
	return failed ? 1 : 0;
}
