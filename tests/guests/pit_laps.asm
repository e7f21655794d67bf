; pit_laps.asm: multiboot guest that reports a lap every N PIT interrupts (mode 2, divisor from its app arguments) for the host to time; see timer_laps.inc.
%define TIMER_PIT
%include "timer_laps.inc"
