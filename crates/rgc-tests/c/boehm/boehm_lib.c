/* A shared library whose only job is to hold a pointer in its own data
 * segment (boehm_roots.c checks that the collector scans it). */
static void *held;
void boehm_lib_hold(void *p) { held = p; }
void *boehm_lib_held(void) { return held; }
