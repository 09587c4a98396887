# geo: the default country database (built offline from Debian's
# tor-geoipdb, never committed) and the test databases built at check time.
EXTRA_DIST += geo/README.md geo/countries.csv geo/latency.yaml.example \
	tools/geo-build.pl tests/data/geo/test.txt \
	tests/data/geo/maxmind/GeoIP2-City-Test.mmdb \
	tests/data/geo/maxmind/GeoIP2-Country-Test.mmdb \
	tests/data/geo/maxmind/GeoLite2-City-Test.mmdb \
	tests/data/geo/maxmind/GeoLite2-Country-Test.mmdb \
	tests/data/geo/maxmind/LICENSE-APACHE tests/data/geo/maxmind/LICENSE-MIT \
	tests/data/geo/maxmind/PROVENANCE.txt

TOR_GEOIP = /usr/share/tor/geoip
TOR_GEOIP6 = /usr/share/tor/geoip6
GEO_BUILD = perl $(top_srcdir)/tools/geo-build.pl

# `make geo`: geo/country.mmdb (~8 MB, ~5 s) from the IPFire Location export
# that Debian ships in tor-geoipdb, plus the countries table.
geo/country.mmdb: $(top_srcdir)/tools/geo-build.pl $(top_srcdir)/geo/countries.csv
	@$(MKDIR_P) geo
	@test -r $(TOR_GEOIP) -a -r $(TOR_GEOIP6) || { \
	  echo "geo: $(TOR_GEOIP) and $(TOR_GEOIP6) are missing: apt-get install tor-geoipdb" >&2; \
	  exit 1; }
	$(AM_V_GEN)$(GEO_BUILD) --countries $(top_srcdir)/geo/countries.csv \
	  --tor4 $(TOR_GEOIP) --tor6 $(TOR_GEOIP6) --out $@

geo: geo/country.mmdb
.PHONY: geo

# Test databases from tests/data/geo/test.txt: a City database (IPv6 tree),
# the same as an IPv4-only tree, and a Country database (no points). Without
# MaxMind::DB::Writer the tool exits 77 and the tests that need them skip.
ROUTE_TEST_DBS = tests/data/geo/test-city.mmdb tests/data/geo/test-city4.mmdb \
	tests/data/geo/test-country.mmdb
ROUTE_TEST_DB_DEPS = $(top_srcdir)/tools/geo-build.pl $(top_srcdir)/tests/data/geo/test.txt \
	$(top_srcdir)/geo/countries.csv

tests/data/geo/test-city.mmdb: $(ROUTE_TEST_DB_DEPS)
	@$(MKDIR_P) tests/data/geo
	$(AM_V_GEN)$(GEO_BUILD) --quiet --source $(top_srcdir)/tests/data/geo/test.txt \
	  --type City --out $@ || test $$? -eq 77
tests/data/geo/test-city4.mmdb: $(ROUTE_TEST_DB_DEPS)
	@$(MKDIR_P) tests/data/geo
	$(AM_V_GEN)$(GEO_BUILD) --quiet --source $(top_srcdir)/tests/data/geo/test.txt \
	  --type City --ip-version 4 --out $@ || test $$? -eq 77
tests/data/geo/test-country.mmdb: $(ROUTE_TEST_DB_DEPS)
	@$(MKDIR_P) tests/data/geo
	$(AM_V_GEN)$(GEO_BUILD) --quiet --source $(top_srcdir)/tests/data/geo/test.txt \
	  --type Country --out $@ || test $$? -eq 77

CLEANFILES += geo/country.mmdb $(ROUTE_TEST_DBS)
