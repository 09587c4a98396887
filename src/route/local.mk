# src/route: policies, dials, geo database, latency model
src_libsteer_a_SOURCES += \
	src/route/route.c src/route/route.h
