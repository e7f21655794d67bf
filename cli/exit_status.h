/* The process exit statuses of tinyvmm, in one place. Guest debug-exit statuses are always odd. */
#ifndef TINYVMM_CLI_EXIT_STATUS_H
#define TINYVMM_CLI_EXIT_STATUS_H

#define TVMM_EXIT_OK	      0 /* guest powered off, or reset with -no-reboot */
#define TVMM_EXIT_USAGE	      2 /* bad usage or input, /dev/kvm missing */
#define TVMM_EXIT_GUEST_CRASH 4 /* triple fault, KVM internal error, failed entry */
#define TVMM_EXIT_HOST	      6 /* the host failed: out of memory, KVM refused a VM */
#define TVMM_EXIT_NO_BOOT     8 /* firmware boot found nothing bootable on the boot drive */

#endif
