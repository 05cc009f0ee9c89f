/* (c) HttpSendRequestEx + InternetWriteFile + HttpEndRequest: a streamed POST whose body the
 * server's echo route returns. argv[1] = host, argv[2] = port, argv[3] = echo path. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 4);
    HINTERNET inet = InternetOpenA("c-upload", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), NULL, NULL,
                                     INTERNET_SERVICE_HTTP, 0, 0);
    CHECK(con != NULL);
    HINTERNET req = HttpOpenRequestA(con, "POST", argv[3], NULL, NULL, NULL, INTERNET_FLAG_RELOAD, 0);
    CHECK(req != NULL);

    static char body[30000];
    for (size_t i = 0; i < sizeof body; i++) body[i] = (char)('a' + i % 26);

    INTERNET_BUFFERSA ib;
    memset(&ib, 0, sizeof ib);
    ib.dwStructSize = sizeof ib;
    ib.lpcszHeader = "X-Upload: c\r\n";
    ib.dwHeadersLength = 0;
    ib.dwBufferTotal = sizeof body;
    /* A: a header string with length 0 is a parameter error. */
    CHECK_ERR(HttpSendRequestExA(req, &ib, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    /* A wrong dwStructSize is a parameter error. */
    ib.dwHeadersLength = (DWORD)-1;
    ib.dwStructSize = 8;
    CHECK_ERR(HttpSendRequestExA(req, &ib, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    ib.dwStructSize = sizeof ib;
    ib.dwHeadersLength = (DWORD)-1;
    ib.lpvBuffer = body;
    ib.dwBufferLength = 1000;
    CHECK(HttpSendRequestExA(req, &ib, NULL, 0, 0));
    CHECK(GetLastError() == 0);

    size_t sent = 1000;
    while (sent < sizeof body) {
        DWORD chunk = (DWORD)(sizeof body - sent > 7000 ? 7000 : sizeof body - sent);
        DWORD w = 0;
        CHECK(InternetWriteFile(req, body + sent, chunk, &w));
        CHECK(w == chunk);
        sent += w;
    }
    CHECK_ERR(HttpEndRequestA(req, &ib, 0, 0), ERROR_INVALID_PARAMETER);
    CHECK(HttpEndRequestA(req, NULL, 0, 0));
    CHECK(GetLastError() == 0);

    DWORD status = 0, len = sizeof status;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, NULL));
    CHECK(status == 200);

    static char echo[65536];
    size_t total = 0;
    for (;;) {
        DWORD n = 0;
        CHECK(InternetReadFile(req, echo + total, (DWORD)(sizeof echo - 1 - total), &n));
        if (n == 0) break;
        total += n;
        CHECK(total < sizeof echo - 1);
    }
    echo[total] = 0;
    CHECK(strncmp(echo, "POST ", 5) == 0);
    char *end = strstr(echo, "\r\n\r\n");
    CHECK(end != NULL);
    *end = 0;
    char want[64];
    snprintf(want, sizeof want, "content-length: %zu", sizeof body);
    int found = 0;
    for (char *p = echo; *p; p++) {
        size_t i = 0;
        while (want[i] && p[i] && (p[i] | 0x20) == (want[i] | 0x20)) i++;
        if (!want[i]) found = 1;
    }
    CHECK(found);
    size_t body_at = (size_t)(end + 4 - echo);
    CHECK(total - body_at == sizeof body);
    CHECK(memcmp(echo + body_at, body, sizeof body) == 0);

    CHECK(InternetCloseHandle(req));

    /* HttpSendRequest with an lpOptional body: sent whole, with its Content-Length. */
    req = HttpOpenRequestA(con, "POST", argv[3], NULL, NULL, NULL, INTERNET_FLAG_RELOAD, 0);
    CHECK(req != NULL);
    char small[] = "posted-body";
    CHECK(HttpSendRequestA(req, "Content-Type: text/plain\r\n", (DWORD)-1, small, 11));
    total = 0;
    for (;;) {
        DWORD n = 0;
        CHECK(InternetReadFile(req, echo + total, (DWORD)(sizeof echo - 1 - total), &n));
        if (n == 0) break;
        total += n;
    }
    echo[total] = 0;
    CHECK(total > 15 && strcmp(echo + total - 15, "\r\n\r\nposted-body") == 0);
    CHECK(InternetCloseHandle(con) && InternetCloseHandle(req) == FALSE);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(InternetCloseHandle(inet));
    printf("upload %zu bytes\n", sizeof body);
    return 0;
}
