# src/steerctl: the control tool
bin_PROGRAMS += steerctl
steerctl_SOURCES = src/steerctl/main.c
steerctl_LDADD = $(STEER_LIBS)
