/* (i) InternetSetCookie / InternetGetCookie on the process-wide jar: values, the A and W size
 * rules and the exact errors. */
#include <string.h>
#include "check.h"

static void widen(const char *s, WCHAR *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

int main(void) {
    const char *url = "http://cookies.example.test/dir/page";
    CHECK(InternetSetCookieA(url, NULL, "a=1"));
    CHECK(GetLastError() == 0);
    CHECK(InternetSetCookieA(url, "b", "2; path=/"));
    CHECK(InternetSetCookieA("http://cookies.example.test/dir/", NULL, "s=x; secure"));

    /* A: sizes are chars including the NUL; a NULL buffer asks for the size. */
    DWORD size = 0;
    CHECK(InternetGetCookieA(url, NULL, NULL, &size));
    CHECK(size == 9);
    char buf[64];
    size = 4;
    CHECK_ERR(InternetGetCookieA(url, NULL, buf, &size), ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == 9);
    size = sizeof buf;
    CHECK(InternetGetCookieA(url, NULL, buf, &size));
    CHECK(size == 9 && strlen(buf) == 8);
    CHECK(strstr(buf, "a=1") != NULL && strstr(buf, "b=2") != NULL && strstr(buf, "s=x") == NULL);

    /* Path matching: "a" lives under /dir/, "b" on /. */
    size = sizeof buf;
    CHECK(InternetGetCookieA("http://cookies.example.test/other", NULL, buf, &size));
    CHECK(strcmp(buf, "b=2") == 0 && size == 4);

    /* W: NULL buffer and too small report bytes; success reports chars. */
    WCHAR wurl[128], wbuf[64];
    widen(url, wurl, 128);
    size = 0;
    CHECK(InternetGetCookieW(wurl, NULL, NULL, &size));
    CHECK(size == 18);
    size = 3;
    CHECK_ERR(InternetGetCookieW(wurl, NULL, wbuf, &size), ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == 18);
    size = 64;
    CHECK(InternetGetCookieW(wurl, NULL, wbuf, &size));
    CHECK(size == 9 && wbuf[8] == 0);
    WCHAR wname[8], wdata[16];
    widen("w", wname, 8);
    widen("wide", wdata, 16);
    CHECK(InternetSetCookieW(wurl, wname, wdata));
    size = sizeof buf;
    CHECK(InternetGetCookieA(url, NULL, buf, &size));
    CHECK(strstr(buf, "w=wide") != NULL);

    /* Errors. */
    size = 77;
    CHECK_ERR(InternetGetCookieA("http://nothing.example.test/", NULL, buf, &size), ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    size = sizeof buf;
    CHECK_ERR(InternetGetCookieA("about:blank", NULL, buf, &size), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetGetCookieA(NULL, NULL, buf, &size), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetGetCookieA("not a url", NULL, buf, &size), ERROR_INTERNET_UNRECOGNIZED_SCHEME);
    CHECK_ERR(InternetSetCookieA(NULL, NULL, "x=1"), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetSetCookieA(url, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetSetCookieA(url, NULL, "d=1; domain=elsewhere.test"), ERROR_INVALID_PARAMETER);
    printf("cookies ok\n");
    return 0;
}
