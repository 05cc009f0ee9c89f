/* NULL, stale and garbage handles and NULL pointers on the HTTP, FTP and cookie exports: exact
 * errors, never a crash. argv[1] = host, argv[2] = HTTP port. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 3);
    HINTERNET garbage = (HINTERNET)(DWORD_PTR)0x7fff1234u;
    char buf[64];
    DWORD len = sizeof buf;
    WIN32_FIND_DATAA fd;

    /* NULL and garbage handles. */
    HINTERNET handles[] = {NULL, garbage};
    for (int i = 0; i < 2; i++) {
        HINTERNET h = handles[i];
        CHECK_ERR(HttpOpenRequestA(h, NULL, NULL, NULL, NULL, NULL, 0, 0) != NULL, ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpAddRequestHeadersA(h, "A: b\r\n", (DWORD)-1, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpSendRequestA(h, NULL, 0, NULL, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpSendRequestW(h, NULL, 0, NULL, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpSendRequestExA(h, NULL, NULL, 0, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpEndRequestA(h, NULL, 0, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(HttpQueryInfoA(h, HTTP_QUERY_STATUS_CODE, buf, &len, NULL), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpFindFirstFileA(h, NULL, &fd, 0, 0) != NULL, ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpOpenFileA(h, "x", GENERIC_READ, 0, 0) != NULL, ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpGetFileA(h, "x", "/tmp/never", FALSE, 0, 0, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpPutFileA(h, "/tmp/never", "x", 0, 0), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpDeleteFileA(h, "x"), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpRenameFileA(h, "x", "y"), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpCreateDirectoryA(h, "x"), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpRemoveDirectoryA(h, "x"), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpSetCurrentDirectoryA(h, "x"), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpGetCurrentDirectoryA(h, buf, &len), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpCommandA(h, FALSE, 0, "NOOP", 0, NULL), ERROR_INVALID_HANDLE);
        CHECK_ERR(FtpGetFileSize(h, NULL) != 0xFFFFFFFFu, ERROR_INVALID_HANDLE);
    }

    /* HTTP handles given to FTP functions and the other way round; NULL pointers. */
    HINTERNET inet = InternetOpenA("c-misuse", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), NULL, NULL,
                                     INTERNET_SERVICE_HTTP, 0, 0);
    CHECK(con != NULL);
    CHECK_ERR(FtpFindFirstFileA(con, NULL, &fd, 0, 0) != NULL, ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(FtpGetCurrentDirectoryA(con, buf, &len), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(FtpCommandA(con, FALSE, 0, "NOOP", 0, NULL), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(HttpSendRequestA(con, NULL, 0, NULL, 0), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(HttpEndRequestA(con, NULL, 0, 0), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    HINTERNET req = HttpOpenRequestA(con, NULL, NULL, NULL, NULL, NULL, 0, 0);
    CHECK(req != NULL);
    CHECK_ERR(FtpGetFileSize(req, NULL) != 0xFFFFFFFFu, ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, buf, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(HttpSendRequestA(req, NULL, 0, NULL, 5), ERROR_INVALID_PARAMETER);
    /* A stale handle. */
    CHECK(InternetCloseHandle(req));
    CHECK_ERR(HttpSendRequestA(req, NULL, 0, NULL, 0), ERROR_INVALID_HANDLE);
    CHECK_ERR(HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE, buf, &len, NULL), ERROR_INVALID_HANDLE);

    /* Cookies with NULL pointers. */
    CHECK_ERR(InternetGetCookieA("http://x.example.test/", NULL, buf, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetSetCookieW(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);

    CHECK(InternetCloseHandle(inet));
    printf("misuse ok\n");
    return 0;
}
