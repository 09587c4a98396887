# src/metrics: Prometheus exposition over the evhttp server
src_libsteer_a_SOURCES += \
	src/metrics/metrics.c \
	src/metrics/metrics.h \
	src/metrics/transfer.c \
	src/metrics/fleet.c
