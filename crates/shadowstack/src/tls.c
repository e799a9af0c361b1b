/* The one definition of each thread's shadow-stack descriptor. */
#include "rgc.h"

/* Initial-exec: the descriptor sits at a fixed offset from the thread
   pointer, so reading it is one load even inside a shared library (rgc's
   libgc.so.1 reads it on every GC_malloc to check the calling thread; the
   default model there costs a call to __tls_get_addr). The descriptor is
   24 bytes, well inside the static-TLS reserve glibc keeps for a library
   loaded by dlopen. */
#if defined(RGC_SINGLE_THREAD)
/* A bare-metal build (see rgc.h): one thread, a plain global. */
rgc_shadowstack rgc_ss;
#else
#if defined(__GNUC__) && defined(__ELF__)
__attribute__((tls_model("initial-exec")))
#endif
_Thread_local rgc_shadowstack rgc_ss;
#endif

rgc_shadowstack *rgc__shadowstack_current(void) { return &rgc_ss; }
