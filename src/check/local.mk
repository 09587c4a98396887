# src/check: probes, scheduling, hysteresis (steercheck); the client streams
# the probes connect with live in src/net/
src_libsteer_a_SOURCES += \
	src/check/calc.c \
	src/check/calc.h \
	src/check/checker.c \
	src/check/checker.h \
	src/check/hyst.c \
	src/check/hyst.h \
	src/check/probe.c \
	src/check/probe.h \
	src/check/probe_int.h \
	src/check/probe_dns.c \
	src/check/probe_exec.c

UNIT_TESTS += tests/unit/test_check_hyst tests/unit/test_check_probe \
	tests/unit/test_check_conf tests/unit/test_check_calc
