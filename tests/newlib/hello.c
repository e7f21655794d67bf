/* hello.c: the smallest bm app with Newlib -- one printf -- whose size guests/bm/libc/README.md
 * reports. */
#include <stdio.h>

int main(void)
{
	printf("Hello from Newlib on bm_os\n");
	return 0;
}
