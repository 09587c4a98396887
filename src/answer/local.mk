# src/answer: the query engine (lookup, response assembly, counters)
src_libsteer_a_SOURCES += \
	src/answer/answer.c src/answer/answer.h src/answer/view.h \
	src/answer/stats.c src/answer/stats.h
