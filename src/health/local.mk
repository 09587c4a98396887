# src/health: shared-memory health table, effective health
src_libsteer_a_SOURCES += \
	src/health/health.c \
	src/health/health.h \
	src/health/table.c \
	src/health/table.h

UNIT_TESTS += tests/unit/test_health_table tests/unit/test_health
tests_unit_test_health_table_SOURCES = tests/unit/test_health_table.c tests/unit/test_health_tmp.h
tests_unit_test_health_SOURCES = tests/unit/test_health.c tests/unit/test_health_tmp.h

SMOKE_TESTS += tests/smoke/health-table-load.sh tests/smoke/health-table-files.sh
