// glibc's allocator controls (mallopt), which the Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif
