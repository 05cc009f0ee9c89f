/* The W entry points: UTF-16 strings in, the same engine behind. */
#include <string.h>
#include "check.h"

static void widen(const char *s, WCHAR *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    WCHAR agent[16], url[1024];
    widen("wide-agent", agent, 16);
    widen(argv[1], url, 1024);
    HINTERNET inet = InternetOpenW(agent, INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET file = InternetOpenUrlW(inet, url, NULL, 0, 0, 1);
    CHECK(file != NULL);
    char buf[8];
    DWORD n = 0;
    CHECK(InternetReadFile(file, buf, 4, &n) && n == 4);

    WCHAR got[64];
    DWORD len = sizeof got;
    CHECK(InternetQueryOptionW(file, INTERNET_OPTION_USER_AGENT, got, &len));
    CHECK(len == 10 && got[0] == 'w' && got[10] == 0);
    len = sizeof got;
    CHECK(InternetQueryOptionW(file, INTERNET_OPTION_URL, got, &len));
    CHECK(len == strlen(argv[1]));

    INTERNET_BUFFERSW ib;
    memset(&ib, 0, sizeof ib);
    ib.dwStructSize = sizeof ib;
    ib.lpvBuffer = buf;
    ib.dwBufferLength = 3;
    CHECK(InternetReadFileExW(file, &ib, IRF_NO_WAIT, 0));
    CHECK(ib.dwBufferLength == 3);

    CHECK(InternetCloseHandle(inet));
    printf("wide ok\n");
    return 0;
}
