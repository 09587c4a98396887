#!/usr/bin/perl
# Build MMDB geo databases for steerdns, reproducibly and offline:
#  - the default country database from Debian's tor-geoipdb export of the
#    IPFire Location database (CC BY-SA 4.0) and the countries table;
#  - small test databases from a readable source file (tests/data/geo/*.txt).
#
#   geo-build.pl --countries geo/countries.csv \
#       --tor4 /usr/share/tor/geoip --tor6 /usr/share/tor/geoip6 --out geo/country.mmdb
#   geo-build.pl --countries geo/countries.csv --source tests/data/geo/test.txt \
#       [--type City|Country] [--ip-version 4|6] --out test-city.mmdb
#
# Output depends on the inputs only: the build epoch is SOURCE_DATE_EPOCH or
# --epoch (default: a fixed date), maps are written with sorted keys.
use strict;
use warnings;
use Getopt::Long qw(GetOptions);

my %opt = (type => 'Country', 'ip-version' => 6, epoch => $ENV{SOURCE_DATE_EPOCH} // 1767225600);
GetOptions(\%opt, 'countries=s', 'tor4=s', 'tor6=s', 'source=s', 'type=s', 'ip-version=i',
	'epoch=i', 'out=s', 'quiet') or usage();
usage() unless $opt{out} && ($opt{source} || $opt{tor4} || $opt{tor6});
usage() unless $opt{type} eq 'City' || $opt{type} eq 'Country';
die "geo-build: --ip-version is 4 or 6\n" unless $opt{'ip-version'} == 4 || $opt{'ip-version'} == 6;
die "geo-build: --epoch must be > 0 (libmaxminddb rejects 0)\n" unless $opt{epoch} > 0;

sub usage {
	print STDERR "usage: geo-build.pl --out FILE [--countries CSV] (--tor4 FILE --tor6 FILE | --source FILE)\n"
		. "                    [--type City|Country] [--ip-version 4|6] [--epoch N]\n";
	exit 2;
}

my $have_writer = eval {
	require MaxMind::DB::Writer::Tree;
	1;
};
unless ($have_writer) {
	print STDERR "geo-build: MaxMind::DB::Writer is not installed (Debian: libmaxmind-db-writer-perl)\n";
	exit 77;
}

# countries.csv: iso_code,continent_code,latitude,longitude,...
my %country;
if ($opt{countries}) {
	open(my $fh, '<', $opt{countries}) or die "geo-build: $opt{countries}: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		$line =~ s/\r$//;
		next if $line eq '' || $line =~ /^#/ || $line =~ /^iso_code,/;
		my ($cc, $cont, $lat, $lon) = split /,/, $line;
		die "geo-build: $opt{countries}:$.: bad line\n"
			unless defined $lon && $cc =~ /^[A-Z]{2}$/ && $cont =~ /^[A-Z]{2}$/;
		$country{$cc} = { continent => $cont, lat => $lat + 0, lon => $lon + 0 };
	}
	close $fh;
}

my %types = (
	continent       => 'map',
	code            => 'utf8_string',
	country         => 'map',
	iso_code        => 'utf8_string',
	subdivisions    => [ 'array', 'map' ],
	location        => 'map',
	latitude        => 'double',
	longitude       => 'double',
	accuracy_radius => 'uint16',
);
my $test = defined $opt{source};
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version            => $opt{'ip-version'},
	record_size           => 24,
	database_type         => $test ? "steerdns-Test-$opt{type}" : 'steerdns-Country',
	languages             => ['en'],
	description           => {
		en => $test
			? 'steerdns test database (documentation and loopback prefixes only)'
			: 'steerdns country database from the IPFire Location database (CC BY-SA 4.0)'
	},
	map_key_type_callback => sub { $types{ $_[0] } // die "geo-build: no type for key $_[0]\n" },
	# test databases live in documentation and loopback prefixes, which
	# the writer drops by default
	remove_reserved_networks => $test ? 0 : 1,
	alias_ipv6_to_ipv4       => ($opt{'ip-version'} == 6 && !$test) ? 1 : 0,
	merge_strategy           => 'none',
);
$tree->_set_build_epoch($opt{epoch});

# Codes in the tor export that are not ISO countries.
my %alias = (UK => 'GB', AN => 'CW', CS => 'RS', SU => 'RU');
my %region_only = (EU => 'EU', AP => 'AS');
my %skip = map { $_ => 1 } qw(?? AB OS UN ZZ);
my (%unknown, $inserted, $skipped);

sub country_record {
	my ($cc) = @_;
	return undef if $skip{$cc};
	return { continent => { code => $region_only{$cc} } } if $region_only{$cc};
	$cc = $alias{$cc} // $cc;
	my $c = $country{$cc};
	unless ($c) {
		$unknown{$cc}++;
		return undef;
	}
	return { continent => { code => $c->{continent} }, country => { iso_code => $cc } };
}

sub int_to_ipv4 {
	my ($n) = @_;
	return join '.', ($n >> 24) & 255, ($n >> 16) & 255, ($n >> 8) & 255, $n & 255;
}

sub load_tor {
	my ($file, $v4) = @_;
	open(my $fh, '<', $file) or die "geo-build: $file: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		next if $line eq '' || $line =~ /^#/;
		my ($start, $end, $cc) = split /,/, $line;
		die "geo-build: $file:$.: expected start,end,CC\n" unless defined $cc;
		my $rec = country_record($cc);
		unless ($rec) {
			$skipped++;
			next;
		}
		if ($v4) {
			$start = int_to_ipv4($start);
			$end = int_to_ipv4($end);
		}
		# 6to4, Teredo and IPv4-mapped space alias the IPv4 tree: the
		# IPv4 ranges already answer for them
		if (!$v4 && $start =~ /^(?:2002:|2001:0?:|::ffff:)/i) {
			$skipped++;
			next;
		}
		$tree->insert_range($start, $end, $rec);
		$inserted++;
	}
	close $fh;
}

# Source lines: network continent country subdivision latitude longitude
# ("-" = absent), for example
#   192.0.2.0/26   NA US VA 38.9 -77.4
sub load_source {
	my ($file) = @_;
	open(my $fh, '<', $file) or die "geo-build: $file: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		$line =~ s/#.*//;
		next if $line =~ /^\s*$/;
		my ($net, $cont, $cc, $sub, $lat, $lon) = split ' ', $line;
		die "geo-build: $file:$.: expected network continent country subdivision latitude longitude\n"
			unless defined $lon;
		die "geo-build: $file:$.: '$net' is not ADDRESS/PREFIX\n" unless $net =~ m{^[0-9a-fA-F:.]+/\d+$};
		die "geo-build: $file:$.: only documentation and loopback networks belong in test data\n"
			unless $net =~ m{^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|127\.|2001:db8:|2001:0db8:)}i;
		# an IPv4-only tree has no room for IPv6 networks
		next if $opt{'ip-version'} == 4 && $net =~ /:/;
		my %rec;
		$rec{continent} = { code => $cont } if $cont ne '-';
		$rec{country} = { iso_code => $cc } if $cc ne '-';
		$rec{subdivisions} = [ { iso_code => $sub } ] if $sub ne '-';
		if ($opt{type} eq 'City' && $lat ne '-' && $lon ne '-') {
			$rec{location} = { latitude => $lat + 0.0, longitude => $lon + 0.0, accuracy_radius => 10 };
		}
		$tree->insert_network($net, \%rec);
		$inserted++;
	}
	close $fh;
}

if ($test) {
	load_source($opt{source});
} else {
	die "geo-build: --countries is needed for the tor export\n" unless %country;
	load_tor($opt{tor4}, 1) if $opt{tor4};
	load_tor($opt{tor6}, 0) if $opt{tor6};
}

my $tmp = "$opt{out}.tmp$$";
open(my $out, '>:raw', $tmp) or die "geo-build: $tmp: $!\n";
$tree->write_tree($out);
close $out or die "geo-build: $tmp: $!\n";
rename $tmp, $opt{out} or die "geo-build: $opt{out}: $!\n";
unless ($opt{quiet}) {
	printf STDERR "geo-build: %s: %d networks%s\n", $opt{out}, $inserted // 0,
		$skipped ? ", $skipped ranges without a country skipped" : '';
	printf STDERR "geo-build: codes not in the countries table, skipped: %s\n",
		join(' ', map {"$_($unknown{$_})"} sort keys %unknown)
		if %unknown;
}
