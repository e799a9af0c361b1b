/* The one definition of each thread's mutator context (rgc.h, "Threads"). */
#include "rgc.h"

/* Initial-exec: the context sits at a fixed offset from the thread
   pointer, so reaching it is one instruction even inside a shared library
   (rgc's libgc.so.1 reads it on every GC_malloc to check the calling
   thread; the default model there costs a call to __tls_get_addr). The
   context is about 300 bytes on a 64-bit target, inside the 512 bytes of
   static TLS glibc keeps for libraries loaded by dlopen. */
#if defined(RGC_SINGLE_THREAD)
/* A bare-metal build (see rgc.h): one thread, a plain global. */
rgc_mutator rgc_thread;
#else
#if defined(__GNUC__) && defined(__ELF__)
__attribute__((tls_model("initial-exec")))
#endif
_Thread_local rgc_mutator rgc_thread;
#endif

rgc_mutator *rgc__mutator_current(void) { return &rgc_thread; }
