# src/net: the event loop wrapper (only src/net/ includes libevent), UDP workers,
# TCP, outgoing streams, the HTTP server and the UNIX socket server
src_libsteer_a_SOURCES += \
	src/net/ev.c \
	src/net/ev.h \
	src/net/ev_internal.h \
	src/net/accept.c \
	src/net/sock.c \
	src/net/sock.h \
	src/net/udp.c \
	src/net/udp.h \
	src/net/tcp.c \
	src/net/tcp.h \
	src/net/frame.c \
	src/net/frame.h \
	src/net/coalesce.c \
	src/net/coalesce.h \
	src/net/stream.c \
	src/net/stream.h \
	src/net/http.c \
	src/net/http.h \
	src/net/unix.c \
	src/net/unix.h \
	src/net/httpc.c \
	src/net/httpc.h \
	src/net/tls_internal.h

UNIT_TESTS += tests/unit/test_net
