# src/dns: wire parsing and writing, names, EDNS and Client Subnet
src_libsteer_a_SOURCES += \
	src/dns/wire.h \
	src/dns/name.c src/dns/name.h \
	src/dns/query.c src/dns/query.h \
	src/dns/response.c src/dns/response.h
