# src/health: shared-memory health table, effective health
src_libsteer_a_SOURCES += \
	src/health/health.c src/health/health.h
