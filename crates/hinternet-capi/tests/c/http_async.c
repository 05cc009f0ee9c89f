/* (g) Async HTTP from C: HttpSendRequest returns FALSE + ERROR_IO_PENDING, the callback runs on
 * another thread, REQUEST_COMPLETE arrives with dwResult 1, then the body is read (reads that
 * pend complete through REQUEST_COMPLETE with the count written to the caller's DWORD).
 * argv[1] = host, argv[2] = port, argv[3] = path, argv[4] = body length (pattern bytes). */
#include <pthread.h>
#include <string.h>
#include "check.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t main_thread;
static int completes, other_thread, on_main, bad_ctx;
static INTERNET_ASYNC_RESULT last;

static void CALLBACK cb(HINTERNET h, DWORD_PTR ctx, DWORD status, LPVOID info, DWORD len) {
    (void)h;
    pthread_mutex_lock(&mu);
    if (status == INTERNET_STATUS_REQUEST_COMPLETE) {
        if (pthread_equal(pthread_self(), main_thread)) on_main++;
        else other_thread++;
        if (ctx != 42 || len != sizeof(INTERNET_ASYNC_RESULT)) bad_ctx++;
        last = *(INTERNET_ASYNC_RESULT *)info;
        completes++;
        pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
}

static INTERNET_ASYNC_RESULT wait_complete(int n) {
    pthread_mutex_lock(&mu);
    while (completes < n) pthread_cond_wait(&cv, &mu);
    INTERNET_ASYNC_RESULT r = last;
    pthread_mutex_unlock(&mu);
    return r;
}

int main(int argc, char **argv) {
    CHECK(argc == 5);
    size_t expect_len = (size_t)strtoul(argv[4], NULL, 10);
    main_thread = pthread_self();
    HINTERNET inet = InternetOpenA("c-async-http", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, INTERNET_FLAG_ASYNC);
    CHECK(inet != NULL);
    InternetSetStatusCallbackA(inet, cb);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), NULL, NULL,
                                     INTERNET_SERVICE_HTTP, 0, 41);
    CHECK(con != NULL);
    HINTERNET req = HttpOpenRequestA(con, "GET", argv[3], NULL, NULL, NULL, INTERNET_FLAG_RELOAD, 42);
    CHECK(req != NULL);

    int expected = 0;
    SetLastError(0);
    CHECK(!HttpSendRequestA(req, NULL, 0, NULL, 0));
    CHECK(GetLastError() == ERROR_IO_PENDING);
    INTERNET_ASYNC_RESULT r = wait_complete(++expected);
    CHECK(r.dwResult == 1 && r.dwError == 0);

    DWORD status = 0, len = sizeof status;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, NULL));
    CHECK(status == 200);

    static unsigned char buf[4096];
    size_t total = 0;
    int pended = 0;
    for (;;) {
        DWORD n = 0xffffffffu;
        if (!InternetReadFile(req, buf, sizeof buf, &n)) {
            CHECK(GetLastError() == ERROR_IO_PENDING);
            pended++;
            r = wait_complete(++expected);
            CHECK(r.dwError == 0 && r.dwResult == 1);
        }
        CHECK(n != 0xffffffffu);
        if (n == 0) break;
        for (DWORD i = 0; i < n; i++)
            CHECK(buf[i] == (unsigned char)(((total + i) % 251) * 31 + 7));
        total += n;
    }
    CHECK(total == expect_len);

    pthread_mutex_lock(&mu);
    CHECK(other_thread == expected && on_main == 0 && bad_ctx == 0);
    pthread_mutex_unlock(&mu);

    CHECK(InternetCloseHandle(req));
    CHECK(InternetCloseHandle(con));
    CHECK(InternetCloseHandle(inet));
    printf("async http ok (%d reads pended)\n", pended);
    return 0;
}
