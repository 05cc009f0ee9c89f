/* Tiny assertion helpers shared by the C test programs. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include "wininet.h"

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s (GetLastError=%u)\n", __FILE__,  \
                    __LINE__, #cond, (unsigned)GetLastError());                       \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

#define CHECK_ERR(call, code)                                                         \
    do {                                                                              \
        SetLastError(0xdeadbeefu);                                                    \
        if (call) {                                                                   \
            fprintf(stderr, "%s:%d: %s succeeded, expected error %u\n", __FILE__,      \
                    __LINE__, #call, (unsigned)(code));                               \
            exit(1);                                                                  \
        }                                                                             \
        if (GetLastError() != (DWORD)(code)) {                                        \
            fprintf(stderr, "%s:%d: %s: GetLastError=%u, expected %u\n", __FILE__,     \
                    __LINE__, #call, (unsigned)GetLastError(), (unsigned)(code));     \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

#endif
