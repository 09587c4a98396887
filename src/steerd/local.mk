# src/steerd: the DNS server binary
sbin_PROGRAMS += steerd
steerd_SOURCES = src/steerd/main.c
steerd_LDADD = $(STEER_LIBS)
