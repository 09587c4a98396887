# src/conf: YAML config through a schema table
src_libsteer_a_SOURCES += \
	src/conf/conf.c src/conf/conf.h
