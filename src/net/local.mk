# src/net: the event loop wrapper (only src/net/ includes libevent), UDP workers, TCP
src_libsteer_a_SOURCES += \
	src/net/ev.c src/net/ev.h src/net/ev_internal.h \
	src/net/sock.c src/net/sock.h \
	src/net/udp.c src/net/udp.h \
	src/net/tcp.c src/net/tcp.h
