# src/status: the HTML status page on the metrics listener, the traffic split sampler
src_libsteer_a_SOURCES += \
	src/status/status.c \
	src/status/status.h \
	src/status/split.c \
	src/status/split.h \
	src/status/page.c

UNIT_TESTS += tests/unit/test_status

# The page in headless Chromium, from a running steerd and steercheck.
SMOKE_TESTS += tests/smoke/status-page.sh
