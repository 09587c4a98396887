# src/steerctl: the control tool
bin_PROGRAMS += steerctl
steerctl_SOURCES = src/steerctl/main.c src/steerctl/import.c src/steerctl/import.h
steerctl_LDADD = $(STEER_LIBS)
