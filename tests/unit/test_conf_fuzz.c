/* Fuzz target for the config loader: any bytes through st_conf_load_text()
 * must load or fail with a message naming the file, without crashing or
 * leaking. Built with --enable-fuzzing it runs under libFuzzer (dictionary:
 * tests/data/conf/conf.dict); otherwise main() replays the configs in
 * tests/data/conf and the example config. */
#include "common/log.h"
#include "conf/conf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++)
		st_log_set_level(ST_LOG_ERR); /* budget warnings are not findings */
	st_conf_t *conf = NULL;
	st_diag_t diag;
	st_diag_clear(&diag);
	int rc = st_conf_load_text("fuzz.yaml", (const char *)data, size, &conf, &diag);
	if (rc == 0) {
		if (!conf)
			abort();
		st_conf_free(conf);
		return 0;
	}
	if (conf || (rc != ST_ENOMEM && strncmp(diag.text, "fuzz.yaml:", 10) != 0)) {
		fprintf(stderr, "test_conf_fuzz: error %d without the file name: %s\n", rc,
			diag.text);
		abort();
	}
	return 0;
}

#ifndef ST_FUZZ_LIBFUZZER
static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	/* Every prefix too: documents cut anywhere, mid-token included. */
	for (size_t cut = 0; cut < n; cut += 7)
		LLVMFuzzerTestOneInput(buf, cut);
	return 0;
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	if (!top || !*top)
		top = "..";
	snprintf(dir, sizeof(dir), "%s/tests/data/conf", top);
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return 1;
	}
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (replay(path) != 0) {
			closedir(d);
			return 1;
		}
		files++;
	}
	closedir(d);
	snprintf(path, sizeof(path), "%s/doc/steerd.yaml.example", top);
	if (replay(path) != 0)
		return 1;
	printf("test_conf_fuzz: replayed %d configs and their prefixes\n", files + 1);
	return files > 0 ? 0 : 1;
}
#endif
