/* (h) Closing the root during a pending async read: the read completes with
 * ERROR_INTERNET_OPERATION_CANCELLED and the children's handles are invalid afterwards.
 * argv[1] = host, argv[2] = port, argv[3] = path whose body sends "first" and then waits. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "check.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int completes;
static INTERNET_ASYNC_RESULT last;

static void CALLBACK cb(HINTERNET h, DWORD_PTR ctx, DWORD status, LPVOID info, DWORD len) {
    (void)h; (void)ctx; (void)len;
    if (status != INTERNET_STATUS_REQUEST_COMPLETE) return;
    pthread_mutex_lock(&mu);
    last = *(INTERNET_ASYNC_RESULT *)info;
    completes++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static INTERNET_ASYNC_RESULT wait_complete(int n) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&mu);
    while (completes < n)
        CHECK(pthread_cond_timedwait(&cv, &mu, &until) == 0);
    INTERNET_ASYNC_RESULT r = last;
    pthread_mutex_unlock(&mu);
    return r;
}

int main(int argc, char **argv) {
    CHECK(argc == 4);
    HINTERNET inet = InternetOpenA("c-cancel", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, INTERNET_FLAG_ASYNC);
    CHECK(inet != NULL);
    InternetSetStatusCallbackA(inet, cb);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), NULL, NULL,
                                     INTERNET_SERVICE_HTTP, 0, 1);
    CHECK(con != NULL);
    HINTERNET req = HttpOpenRequestA(con, "GET", argv[3], NULL, NULL, NULL, INTERNET_FLAG_RELOAD, 2);
    CHECK(req != NULL);

    int expected = 0;
    CHECK_ERR(HttpSendRequestA(req, NULL, 0, NULL, 0), ERROR_IO_PENDING);
    INTERNET_ASYNC_RESULT r = wait_complete(++expected);
    CHECK(r.dwResult == 1 && r.dwError == 0);

    /* Read the first piece (at once or through a completion). */
    static char buf[64];
    size_t got = 0;
    while (got < 5) {
        DWORD n = 0;
        if (!InternetReadFile(req, buf + got, (DWORD)(5 - got), &n)) {
            CHECK(GetLastError() == ERROR_IO_PENDING);
            r = wait_complete(++expected);
            CHECK(r.dwError == 0);
        }
        CHECK(n > 0);
        got += n;
    }
    CHECK(memcmp(buf, "first", 5) == 0);

    /* The next read waits on the server: it pends. */
    static DWORD n2 = 0xabcdu;
    CHECK_ERR(InternetReadFile(req, buf, sizeof buf, &n2), ERROR_IO_PENDING);

    /* Close the root: the pending read is cancelled. */
    CHECK(InternetCloseHandle(inet));
    r = wait_complete(++expected);
    CHECK(r.dwResult == 0 && r.dwError == ERROR_INTERNET_OPERATION_CANCELLED);

    /* Every handle of the tree is gone. */
    DWORD n = 0;
    CHECK_ERR(InternetReadFile(req, buf, sizeof buf, &n), ERROR_INVALID_HANDLE);
    DWORD len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, buf, &len, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(HttpOpenRequestA(con, "GET", "/", NULL, NULL, NULL, 0, 0) != NULL, ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle(req), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle(con), ERROR_INVALID_HANDLE);
    printf("cancel ok\n");
    return 0;
}
