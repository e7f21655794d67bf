; module.asm: one test module file for the GRUB images; assemble with -DLETTER=K, S or H (see modules.inc).
%include "modules.inc"

%ifndef LETTER
%error "define LETTER (K, S or H)"
%endif
%defstr LETTER_STR LETTER
%substr LETTER_CH LETTER_STR 1

%if LETTER_CH == 'K'
SIZE equ MOD_K_SIZE
%elif LETTER_CH == 'S'
SIZE equ MOD_S_SIZE
%elif LETTER_CH == 'H'
SIZE equ MOD_H_SIZE
%else
%error "LETTER must be K, S or H"
%endif

	db "TVM-MOD", LETTER_CH
%assign i MOD_HEAD_LEN
%rep SIZE - MOD_HEAD_LEN
	db (LETTER_CH + i + (i >> 9)) & 0xFF
%assign i i + 1
%endrep
