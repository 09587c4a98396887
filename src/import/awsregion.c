/* Where the AWS regions are, for latency and geoproximity records that name
 * one. AWS publishes each region's metro area, not coordinates: the region
 * list and its locations are those of the "Regions and Availability Zones"
 * page of the AWS documentation (docs.aws.amazon.com/global-infrastructure),
 * and each point is the centre of the city that page names for the region
 * (rounded to 0.01 degree; for the GovCloud regions, whose sites are not
 * named, the state AWS gives). Precision matters little: the latency model
 * and the geoproximity distances work at the scale of hundreds of km. */
#include "import/internal.h"

#include <string.h>

static const struct {
	const char *name;
	double lat, lon;
} regions[] = {
    {"af-south-1", -33.92, 18.42},	/* Cape Town */
    {"ap-east-1", 22.32, 114.17},	/* Hong Kong */
    {"ap-east-2", 25.03, 121.57},	/* Taipei */
    {"ap-northeast-1", 35.68, 139.69},	/* Tokyo */
    {"ap-northeast-2", 37.57, 126.98},	/* Seoul */
    {"ap-northeast-3", 34.69, 135.50},	/* Osaka */
    {"ap-south-1", 19.08, 72.88},	/* Mumbai */
    {"ap-south-2", 17.39, 78.49},	/* Hyderabad */
    {"ap-southeast-1", 1.35, 103.82},	/* Singapore */
    {"ap-southeast-2", -33.87, 151.21}, /* Sydney */
    {"ap-southeast-3", -6.21, 106.85},	/* Jakarta */
    {"ap-southeast-4", -37.81, 144.96}, /* Melbourne */
    {"ap-southeast-5", 3.14, 101.69},	/* Kuala Lumpur (Malaysia) */
    {"ap-southeast-7", 13.76, 100.50},	/* Bangkok (Thailand) */
    {"ca-central-1", 45.50, -73.57},	/* Montreal */
    {"ca-west-1", 51.05, -114.07},	/* Calgary */
    {"cn-north-1", 39.90, 116.41},	/* Beijing */
    {"cn-northwest-1", 37.50, 105.19},	/* Zhongwei (Ningxia) */
    {"eu-central-1", 50.11, 8.68},	/* Frankfurt */
    {"eu-central-2", 47.37, 8.54},	/* Zurich */
    {"eu-north-1", 59.33, 18.07},	/* Stockholm */
    {"eu-south-1", 45.46, 9.19},	/* Milan */
    {"eu-south-2", 41.65, -0.88},	/* Zaragoza (Aragón, Spain) */
    {"eu-west-1", 53.35, -6.26},	/* Dublin */
    {"eu-west-2", 51.51, -0.13},	/* London */
    {"eu-west-3", 48.86, 2.35},		/* Paris */
    {"il-central-1", 32.09, 34.78},	/* Tel Aviv */
    {"me-central-1", 25.20, 55.27},	/* Dubai (UAE) */
    {"me-south-1", 26.23, 50.59},	/* Manama (Bahrain) */
    {"mx-central-1", 20.59, -100.39},	/* Querétaro (Mexico) */
    {"sa-east-1", -23.55, -46.63},	/* São Paulo */
    {"us-east-1", 38.90, -77.40},	/* Northern Virginia (Ashburn) */
    {"us-east-2", 39.96, -83.00},	/* Ohio (Columbus) */
    {"us-gov-east-1", 39.96, -83.00},	/* Ohio */
    {"us-gov-west-1", 45.52, -122.68},	/* Oregon */
    {"us-west-1", 37.77, -122.42},	/* Northern California (San Francisco) */
    {"us-west-2", 45.84, -119.70},	/* Oregon (Boardman) */
};

bool r53_aws_region_location(const char *region, double *lat, double *lon)
{
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (strcmp(regions[i].name, region) == 0) {
			*lat = regions[i].lat;
			*lon = regions[i].lon;
			return true;
		}
	return false;
}
