/* steerctl import-route53 (runs in steerctl, without steerd). */
#ifndef ST_STEERCTL_IMPORT_H
#define ST_STEERCTL_IMPORT_H

#include <stdio.h>

#define STEERCTL_IMPORT_USAGE                                                                      \
	"import-route53 --zone NAME --records FILE --health-checks FILE [--cidr-blocks FILE]... "  \
	"[--geo-database FILE] [--geo-coordinates FILE] --out DIR"

/* argv[0] is "import-route53"; returns the exit code. */
int steerctl_import(int argc, char **argv);
/* Its line in steerctl's usage. */
void steerctl_import_usage(FILE *f);

#endif
