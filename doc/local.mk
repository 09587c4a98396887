# doc: man pages of the programs (steerd.yaml.5 is listed by src/conf/local.mk)
# and the systemd units.
dist_man_MANS += doc/steerd.8 doc/steercheck.8 doc/steerctl.8
EXTRA_DIST += dist/systemd/steerd.service.in dist/systemd/steercheck.service.in doc/status-page.png

# The units name the configured paths of the programs and the config.
SYSTEMD_UNITS = dist/systemd/steerd.service dist/systemd/steercheck.service
if INSTALL_SYSTEMD_UNITS
systemdsystemunit_DATA = $(SYSTEMD_UNITS)
else
noinst_DATA = $(SYSTEMD_UNITS)
endif
CLEANFILES += $(SYSTEMD_UNITS)
UNIT_SUBST = sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g'
dist/systemd/steerd.service: $(top_srcdir)/dist/systemd/steerd.service.in Makefile
	@$(MKDIR_P) dist/systemd
	$(AM_V_GEN)$(UNIT_SUBST) $(top_srcdir)/dist/systemd/steerd.service.in >$@
dist/systemd/steercheck.service: $(top_srcdir)/dist/systemd/steercheck.service.in Makefile
	@$(MKDIR_P) dist/systemd
	$(AM_V_GEN)$(UNIT_SUBST) $(top_srcdir)/dist/systemd/steercheck.service.in >$@
