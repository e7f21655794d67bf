/* The names and default messages of enum vm_end, in one place. */
#include "base/vm_end.h"

#include <stddef.h>

const char *vm_end_name(enum vm_end e)
{
	switch (e) {
	case VM_END_DEBUG_EXIT:
		return "debug-exit";
	case VM_END_POWEROFF:
		return "poweroff";
	case VM_END_RESET:
		return "reset";
	case VM_END_CRASH:
		return "crash";
	case VM_END_STOPPED:
		return "stopped";
	case VM_END_NONE:
		break;
	}
	return "none";
}

const char *vm_end_message(enum vm_end e)
{
	switch (e) {
	case VM_END_DEBUG_EXIT:
		return "guest wrote to the debug-exit port";
	case VM_END_POWEROFF:
		return "guest powered off";
	case VM_END_RESET:
		return "guest reset";
	case VM_END_CRASH:
	case VM_END_STOPPED:
	case VM_END_NONE:
		break;
	}
	return NULL;
}
