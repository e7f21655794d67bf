/* libFuzzer harness: what a guest's reports and its text screen turn into on the host -- milestones
 * (population/guest.c), the results row, the screen render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "population/results.h"
#include "tests/fuzz/support.h"
#include "vmm/platform/vga_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	static struct pop_guest g;
	if (guest_init(&g, 0, 0, GUEST_L4, 1))
		abort();
	uint64_t ns = fz_u32(&in);
	for (unsigned ops = 0; ops < 512 && !fz_empty(&in); ops++) {
		uint8_t ev = fz_u8(&in);
		uint32_t value = fz_u32(&in);
		ns += fz_u16(&in);
		/* a run of the same report: enough laps to pass the 1,024 kept */
		unsigned times = ev & 0x80 ? 1u + fz_u8(&in) * 8u : 1;
		for (unsigned t = 0; t < times; t++)
			guest_on_report(&g, ns + t, ev & 0x1F, value);
	}
	if (g.ms.nkept > GUEST_LAPS_KEPT || g.ms.nkept > g.ms.cap || g.ms.nkept > g.ms.laps)
		abort();
	g.state = GUEST_ENDED;
	g.result.end = (enum vm_end)(ns % 6);
	snprintf(g.result.message, sizeof(g.result.message), "%s", "crash, \"quoted\"\nline");
	char *row = malloc(RESULTS_ROW_MAX);
	if (!row)
		abort();
	int n = results_format_row(row, RESULTS_ROW_MAX, &g, ns & 1 ? "app=x,\"y\"" : NULL);
	if (n < 0 || n >= (int)RESULTS_ROW_MAX || strlen(row) != (size_t)n)
		abort();
	free(row);
	guest_fini(&g);

	/* the text screen as the guest left it, in RAM that may end inside it */
	static const uint64_t rams[] = {0xB8000, 0xB8F9F, 0xB9000, 0x100000};
	struct guest_mem mem;
	if (gmem_alloc(&mem, rams[ns % 4]))
		abort();
	uint8_t *screen = gmem_ptr(&mem, 0xB8000, 0);
	if (screen) {
		size_t room = mem.ram_size > 0xB8000 ? mem.ram_size - 0xB8000 : 0;
		fz_bytes(&in, screen, room < 4000 ? room : 4000);
	}
	char text[VGA_TEXT_RENDER_MAX];
	size_t len = vga_text_render(&mem, text, sizeof(text));
	if (len >= sizeof(text) || strlen(text) != len)
		abort();
	(void)vga_text_blank(&mem);
	gmem_free(&mem);
	return 0;
}
