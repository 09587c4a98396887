/* steerd: the authoritative DNS server. */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "steerd: not built yet\n");
	return 1;
}
