/* The one definition of each thread's shadow-stack descriptor. */
#include "rgc.h"

_Thread_local rgc_shadowstack rgc_ss;

rgc_shadowstack *rgc__shadowstack_current(void) { return &rgc_ss; }
