/* bdwgc installs its header both as <gc.h> and as <gc/gc.h>; so does rgc. */
#include "gc/gc.h"
