# src/import: Route 53 JSON -> steerd.yaml and a zone file (steerctl import-route53)
src_libsteer_a_SOURCES += \
	src/import/route53.c \
	src/import/route53.h \
	src/import/internal.h \
	src/import/r53_json.c \
	src/import/r53_conv.c \
	src/import/r53_check.c \
	src/import/awsregion.c

UNIT_TESTS += tests/unit/test_import

SMOKE_TESTS += tests/smoke/import-route53.sh
EXTRA_DIST += tests/data/route53
