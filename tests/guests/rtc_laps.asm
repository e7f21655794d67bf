; rtc_laps.asm: multiboot guest that reports a lap every N RTC periodic interrupts (rate from its app arguments) for the host to time; see timer_laps.inc.
%define TIMER_RTC
%include "timer_laps.inc"
