/* Async FTP from C: FtpFindFirstFile pends and fills the caller's WIN32_FIND_DATA before
 * REQUEST_COMPLETE (dwResult = the find handle); FtpGetCurrentDirectory pends and writes the
 * caller's buffer and length before REQUEST_COMPLETE. argv: host port user password. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "check.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int completes;
static INTERNET_ASYNC_RESULT last;
static DWORD_PTR last_ctx;

static void CALLBACK cb(HINTERNET h, DWORD_PTR ctx, DWORD status, LPVOID info, DWORD len) {
    (void)h; (void)len;
    if (status != INTERNET_STATUS_REQUEST_COMPLETE) return;
    pthread_mutex_lock(&mu);
    last = *(INTERNET_ASYNC_RESULT *)info;
    last_ctx = ctx;
    completes++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static INTERNET_ASYNC_RESULT wait_complete(int n) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&mu);
    while (completes < n) CHECK(pthread_cond_timedwait(&cv, &mu, &until) == 0);
    INTERNET_ASYNC_RESULT r = last;
    pthread_mutex_unlock(&mu);
    return r;
}

int main(int argc, char **argv) {
    CHECK(argc == 5);
    HINTERNET inet = InternetOpenA("c-ftp-async", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, INTERNET_FLAG_ASYNC);
    CHECK(inet != NULL);
    InternetSetStatusCallbackA(inet, cb);
    int expected = 0;
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), argv[3], argv[4],
                                     INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 21);
    INTERNET_ASYNC_RESULT r;
    if (con == NULL) {
        CHECK(GetLastError() == ERROR_IO_PENDING);
        r = wait_complete(++expected);
        CHECK(r.dwError == 0 && r.dwResult != 0);
        con = (HINTERNET)r.dwResult;
    }

    static WIN32_FIND_DATAA fd;
    memset(&fd, 0, sizeof fd);
    CHECK_ERR(FtpFindFirstFileA(con, "alpha*", &fd, INTERNET_FLAG_RELOAD, 22) != NULL, ERROR_IO_PENDING);
    r = wait_complete(++expected);
    CHECK(r.dwError == 0 && r.dwResult != 0);
    CHECK(last_ctx == 21);
    HINTERNET find = (HINTERNET)r.dwResult;
    CHECK(strcmp(fd.cFileName, "alpha") == 0);
    CHECK(InternetCloseHandle(find));

    static char cwd[MAX_PATH];
    static DWORD len = MAX_PATH;
    CHECK_ERR(FtpGetCurrentDirectoryA(con, cwd, &len), ERROR_IO_PENDING);
    r = wait_complete(++expected);
    CHECK(r.dwError == 0 && r.dwResult == 1);
    CHECK(strcmp(cwd, "/") == 0 && len == 2);

    static HINTERNET data;
    CHECK_ERR(FtpCommandA(con, FALSE, 0, "NOOP", 0, &data), ERROR_IO_PENDING);
    r = wait_complete(++expected);
    CHECK(r.dwError == 0);

    CHECK_ERR(FtpDeleteFileA(con, "missing"), ERROR_IO_PENDING);
    r = wait_complete(++expected);
    CHECK(r.dwResult == 0 && r.dwError == ERROR_INTERNET_EXTENDED_ERROR);

    CHECK(InternetCloseHandle(inet));
    printf("ftp async ok\n");
    return 0;
}
