/* Async mode from C: InternetOpenUrl pends with ERROR_IO_PENDING, the status callback runs on
 * an engine thread (not the caller's) with the call's context, REQUEST_COMPLETE carries the new
 * handle; HANDLE_CREATED / HANDLE_CLOSING arrive with the handle value as payload. */
#include <pthread.h>
#include <string.h>
#include "check.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t main_thread;
static int completes, created, closing, other_thread, payload_ok = 1;
static DWORD_PTR complete_result, complete_ctx;
static DWORD complete_error;
static HINTERNET created_handle;

static void CALLBACK cb(HINTERNET h, DWORD_PTR ctx, DWORD status, LPVOID info, DWORD len) {
    (void)h;
    pthread_mutex_lock(&mu);
    if (!pthread_equal(pthread_self(), main_thread)) other_thread++;
    switch (status) {
    case INTERNET_STATUS_REQUEST_COMPLETE: {
        if (len != sizeof(INTERNET_ASYNC_RESULT)) payload_ok = 0;
        INTERNET_ASYNC_RESULT *r = (INTERNET_ASYNC_RESULT *)info;
        complete_result = r->dwResult;
        complete_error = r->dwError;
        complete_ctx = ctx;
        completes++;
        break;
    }
    case INTERNET_STATUS_HANDLE_CREATED:
        if (len != sizeof(HINTERNET) || ctx != 7) payload_ok = 0;
        created_handle = *(HINTERNET *)info;
        created++;
        break;
    case INTERNET_STATUS_HANDLE_CLOSING:
        if (len != sizeof(HINTERNET) || ctx != 7) payload_ok = 0;
        closing++;
        break;
    default:
        break;
    }
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    main_thread = pthread_self();
    HINTERNET inet = InternetOpenA("c-async", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL,
                                   INTERNET_FLAG_ASYNC);
    CHECK(inet != NULL);
    CHECK(InternetSetStatusCallbackA(inet, cb) == NULL);
    CHECK(InternetSetStatusCallbackA(inet, cb) == cb);

    SetLastError(0);
    HINTERNET r = InternetOpenUrlA(inet, argv[1], NULL, 0, 0, 7);
    CHECK(r == NULL);
    CHECK(GetLastError() == ERROR_IO_PENDING);

    pthread_mutex_lock(&mu);
    while (completes == 0) pthread_cond_wait(&cv, &mu);
    HINTERNET file = (HINTERNET)complete_result;
    CHECK(complete_error == 0 && file != NULL && complete_ctx == 7);
    CHECK(other_thread > 0);
    CHECK(created == 1 && created_handle == file);
    pthread_mutex_unlock(&mu);

    /* A read of local data completes at once: TRUE, no REQUEST_COMPLETE. */
    char buf[64];
    DWORD n = 0;
    CHECK(InternetReadFile(file, buf, 5, &n));
    CHECK(n == 5);

    CHECK(InternetCloseHandle(file));
    pthread_mutex_lock(&mu);
    while (closing == 0) pthread_cond_wait(&cv, &mu);
    CHECK(completes == 1);
    CHECK(payload_ok);
    pthread_mutex_unlock(&mu);
    CHECK(InternetCloseHandle(inet));
    printf("async ok\n");
    return 0;
}
