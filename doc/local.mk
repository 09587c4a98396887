# doc: man pages of the programs (steerd.yaml.5 is listed by src/conf/local.mk)
# and the systemd units.
dist_man_MANS += doc/steerd.8 doc/steercheck.8 doc/steerctl.8
EXTRA_DIST += dist/systemd/steerd.service dist/systemd/steercheck.service
