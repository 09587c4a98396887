# src/net: the event loop wrapper (only src/net/ includes libevent), UDP workers, TCP
src_libsteer_a_SOURCES += \
	src/net/ev.c src/net/ev.h src/net/ev_internal.h
