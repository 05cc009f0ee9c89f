/* (a) A synchronous GET through InternetOpenUrlA and an InternetReadFile loop; the bytes are
 * compared with the pattern the server sends: byte i = (i % 251) * 31 + 7. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 3); /* argv[1] = http URL, argv[2] = body length */
    size_t expect_len = (size_t)strtoul(argv[2], NULL, 10);
    HINTERNET inet = InternetOpenA("c-http", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET req = InternetOpenUrlA(inet, argv[1], NULL, 0, INTERNET_FLAG_RELOAD, 1);
    CHECK(req != NULL);
    CHECK(GetLastError() == 0);

    DWORD status = 0, len = sizeof status;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, NULL));
    CHECK(status == 200 && len == 4);

    static unsigned char buf[7001];
    size_t total = 0;
    for (;;) {
        DWORD n = 0xffffffffu;
        CHECK(InternetReadFile(req, buf, sizeof buf, &n));
        if (n == 0) break;
        for (DWORD i = 0; i < n; i++) {
            size_t at = total + i;
            CHECK(buf[i] == (unsigned char)((at % 251) * 31 + 7));
        }
        total += n;
    }
    CHECK(total == expect_len);
    DWORD n = 9;
    CHECK(InternetReadFile(req, buf, sizeof buf, &n) && n == 0);

    CHECK(InternetCloseHandle(req));
    CHECK(InternetCloseHandle(inet));
    printf("get %zu bytes\n", total);
    return 0;
}
