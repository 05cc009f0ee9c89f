/* (i) InternetGetCookieEx / InternetSetCookieEx, A and W: the COOKIE_STATE_* results, the
 * HttpOnly rules (behaviour H.103), the matching and size rules (H.102) with exact
 * GetLastError values, and the one store shared with HTTP requests: a Set-Cookie received by
 * a request is returned by InternetGetCookie, an InternetSetCookie cookie is sent by the next
 * request, INTERNET_FLAG_NO_COOKIES, and END_BROWSER_SESSION on the NULL handle.
 * argv[1] = "http://127.0.0.1:PORT" of a server with /cookie/set (srv=1 and an HttpOnly
 * srv-ho=1, both for /cookie/), /cookie/other (other=1) and an echo fallback. */
#include <string.h>
#include "check.h"

static void widen(const char *s, WCHAR *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

static int wide_eq(const WCHAR *w, const char *s) {
    size_t i = 0;
    for (; s[i]; i++)
        if (w[i] != (WCHAR)(unsigned char)s[i]) return 0;
    return w[i] == 0;
}

/* InternetSetCookieEx expecting a failure state and a last error. */
#define CHECK_STATE(call, state, code)                                                    \
    do {                                                                                  \
        SetLastError(0xdeadbeefu);                                                        \
        DWORD got_ = (call);                                                              \
        if (got_ != (DWORD)(state) || GetLastError() != (DWORD)(code)) {                  \
            fprintf(stderr, "%s:%d: %s = %u (GetLastError=%u), expected %u (%u)\n",        \
                    __FILE__, __LINE__, #call, (unsigned)got_, (unsigned)GetLastError(),  \
                    (unsigned)(state), (unsigned)(code));                                 \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

/* GET `url` on `inet` and return the body (NUL-terminated, static). */
static const char *fetch(HINTERNET inet, const char *url, DWORD flags) {
    static char body[8192];
    HINTERNET req = InternetOpenUrlA(inet, url, NULL, 0, flags | INTERNET_FLAG_RELOAD, 1);
    CHECK(req != NULL);
    size_t total = 0;
    for (;;) {
        DWORD n = 0;
        CHECK(InternetReadFile(req, body + total, (DWORD)(sizeof body - 1 - total), &n));
        if (n == 0) break;
        total += n;
        CHECK(total < sizeof body - 1);
    }
    body[total] = 0;
    CHECK(InternetCloseHandle(req));
    return body;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    const char *base = argv[1];
    char buf[256];
    WCHAR wurl[128], wname[16], wdata[64], wbuf[128];
    DWORD size;

    /* ---- InternetSetCookieEx states. Flags other than INTERNET_COOKIE_HTTPONLY are
     * ignored; bad arguments are COOKIE_STATE_UNKNOWN with the error. */
    const char *site = "http://ex.example.test/dir/page";
    SetLastError(0xdeadbeefu);
    CHECK(InternetSetCookieExA(site, "a", "1", 0, 0) == COOKIE_STATE_ACCEPT);
    CHECK(GetLastError() == 0);
    CHECK(InternetSetCookieExA(site, NULL, "b=2; path=/",
                               0x80000000u | INTERNET_COOKIE_THIRD_PARTY | INTERNET_COOKIE_NON_SCRIPT,
                               0) == COOKIE_STATE_ACCEPT);
    /* A domain without its leading dot is accepted and reaches the subdomains. */
    CHECK(InternetSetCookieExA(site, NULL, "dom=1; domain=example.test; path=/", 0, 0) ==
          COOKIE_STATE_ACCEPT);
    CHECK_STATE(InternetSetCookieExA(NULL, "x", "1", 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INVALID_PARAMETER);
    CHECK_STATE(InternetSetCookieExA(site, "x", NULL, 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INVALID_PARAMETER);
    CHECK_STATE(InternetSetCookieExA("about:blank", "x", "1", 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INVALID_PARAMETER);
    CHECK_STATE(InternetSetCookieExA("not a url", "x", "1", 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INTERNET_UNRECOGNIZED_SCHEME);
    CHECK_STATE(InternetSetCookieExA(site, NULL, "d=1; domain=elsewhere.test", 0, 0),
                COOKIE_STATE_UNKNOWN, ERROR_INVALID_PARAMETER);
    CHECK_STATE(InternetSetCookieExA(site, NULL, "d=1; domain=.test", 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetSetCookieA(site, NULL, "d=1; domain=elsewhere.test"), ERROR_INVALID_PARAMETER);
    widen(site, wurl, 128);
    CHECK_STATE(InternetSetCookieExW(wurl, NULL, NULL, 0, 0), COOKIE_STATE_UNKNOWN,
                ERROR_INVALID_PARAMETER);
    size = sizeof buf;
    CHECK(InternetGetCookieExA("http://other.example.test/", NULL, buf, &size, 0, NULL));
    CHECK(strcmp(buf, "dom=1") == 0 && size == 6);

    /* ---- Sizes (H.102): "a=1; b=2; dom=1" is 15 chars. A counts chars with the NUL. */
    size = 0;
    CHECK(InternetGetCookieExA(site, NULL, NULL, &size, 0, NULL));
    CHECK(size == 16);
    size = 15;
    CHECK_ERR(InternetGetCookieExA(site, NULL, buf, &size, 0, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == 16);
    size = 16;
    SetLastError(0xdeadbeefu);
    CHECK(InternetGetCookieExA(site, NULL, buf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(GetLastError() == 0);
    CHECK(size == 16 && strcmp(buf, "a=1; b=2; dom=1") == 0);
    /* W: a NULL buffer and too small report bytes, success chars with the NUL. */
    size = 0;
    CHECK(InternetGetCookieExW(wurl, NULL, NULL, &size, 0, NULL));
    CHECK(size == 32);
    size = 15;
    CHECK_ERR(InternetGetCookieExW(wurl, NULL, wbuf, &size, 0, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == 32);
    size = 16;
    CHECK(InternetGetCookieExW(wurl, NULL, wbuf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(size == 16 && wide_eq(wbuf, "a=1; b=2; dom=1"));
    size = 0;
    CHECK(InternetGetCookieW(wurl, NULL, NULL, &size));
    CHECK(size == 32);
    /* No cookie: ERROR_NO_MORE_ITEMS with the size 0; about:blank and a NULL size:
     * ERROR_INVALID_PARAMETER. */
    size = 77;
    CHECK_ERR(InternetGetCookieExA("http://nothing.elsewhere.test/", NULL, buf, &size, 0, NULL),
              ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    widen("http://nothing.elsewhere.test/", wurl, 128);
    size = 77;
    CHECK_ERR(InternetGetCookieExW(wurl, NULL, wbuf, &size, INTERNET_COOKIE_HTTPONLY, NULL),
              ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    size = sizeof buf;
    CHECK_ERR(InternetGetCookieExA("about:blank", NULL, buf, &size, 0, NULL), ERROR_INVALID_PARAMETER);
    widen("about:blank", wurl, 128);
    CHECK_ERR(InternetGetCookieExW(wurl, NULL, wbuf, &size, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetGetCookieExA(NULL, NULL, buf, &size, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetGetCookieExA(site, NULL, buf, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    /* secure cookies are never returned over http. */
    CHECK(InternetSetCookieExA("http://sec.secure.test/", "s", "1; secure", 0, 0) ==
          COOKIE_STATE_ACCEPT);
    size = sizeof buf;
    CHECK_ERR(InternetGetCookieExA("http://sec.secure.test/", NULL, buf, &size, 0, NULL),
              ERROR_NO_MORE_ITEMS);
    size = sizeof buf;
    CHECK(InternetGetCookieExA("https://sec.secure.test/", NULL, buf, &size, 0, NULL));
    CHECK(strcmp(buf, "s=1") == 0);

    /* ---- HttpOnly (H.103). */
    const char *ho = "http://ho.httponly.test/";
    WCHAR who[64];
    widen(ho, who, 64);
    widen("h", wname, 16);
    CHECK_ERR(InternetSetCookieA(ho, "h", "1; httponly"), ERROR_INVALID_OPERATION);
    widen("1; httponly", wdata, 64);
    CHECK_ERR(InternetSetCookieW(who, wname, wdata), ERROR_INVALID_OPERATION);
    CHECK_STATE(InternetSetCookieExA(ho, "h", "1; httponly", 0, 0), COOKIE_STATE_REJECT,
                ERROR_INVALID_OPERATION);
    CHECK_STATE(InternetSetCookieExW(who, wname, wdata, INTERNET_COOKIE_THIRD_PARTY, 0),
                COOKIE_STATE_REJECT, ERROR_INVALID_OPERATION);
    CHECK(InternetSetCookieExW(who, wname, wdata, INTERNET_COOKIE_HTTPONLY, 0) ==
          COOKIE_STATE_ACCEPT);
    /* Hidden from the plain calls ... */
    size = 77;
    CHECK_ERR(InternetGetCookieA(ho, NULL, buf, &size), ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    size = 77;
    CHECK_ERR(InternetGetCookieW(who, NULL, wbuf, &size), ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    size = 77;
    CHECK_ERR(InternetGetCookieExA(ho, NULL, buf, &size, INTERNET_COOKIE_THIRD_PARTY, NULL),
              ERROR_NO_MORE_ITEMS);
    CHECK(size == 0);
    /* ... returned with INTERNET_COOKIE_HTTPONLY. */
    size = sizeof buf;
    CHECK(InternetGetCookieExA(ho, NULL, buf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(strcmp(buf, "h=1") == 0 && size == 4);
    size = 0;
    CHECK(InternetGetCookieExW(who, NULL, NULL, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(size == 8);
    size = 4;
    CHECK(InternetGetCookieExW(who, NULL, wbuf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(size == 4 && wide_eq(wbuf, "h=1"));
    /* A non-HttpOnly set cannot overwrite it ... */
    CHECK_ERR(InternetSetCookieA(ho, "h", "2"), ERROR_INVALID_OPERATION);
    widen("2", wdata, 64);
    CHECK_STATE(InternetSetCookieExW(who, wname, wdata, 0, 0), COOKIE_STATE_REJECT,
                ERROR_INVALID_OPERATION);
    size = sizeof buf;
    CHECK(InternetGetCookieExA(ho, NULL, buf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(strcmp(buf, "h=1") == 0);
    /* ... unless the caller says INTERNET_COOKIE_HTTPONLY; the new cookie is a plain one. */
    CHECK(InternetSetCookieExA(ho, "h", "3", INTERNET_COOKIE_HTTPONLY, 0) == COOKIE_STATE_ACCEPT);
    size = sizeof buf;
    CHECK(InternetGetCookieA(ho, NULL, buf, &size));
    CHECK(strcmp(buf, "h=3") == 0 && size == 4);

    /* ---- One store with the requests. */
    char url[256], page[256];
    snprintf(page, sizeof page, "%s/cookie/", base);
    HINTERNET inet = InternetOpenA("c-cookies", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    size = sizeof buf;
    CHECK_ERR(InternetGetCookieA(page, NULL, buf, &size), ERROR_NO_MORE_ITEMS);
    snprintf(url, sizeof url, "%s/cookie/set", base);
    fetch(inet, url, 0);
    /* The received cookies: the HttpOnly one only with the flag. */
    size = sizeof buf;
    CHECK(InternetGetCookieA(page, NULL, buf, &size));
    CHECK(strcmp(buf, "srv=1") == 0);
    size = sizeof buf;
    CHECK(InternetGetCookieExA(page, NULL, buf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(strcmp(buf, "srv=1; srv-ho=1") == 0);
    /* An InternetSetCookie cookie is sent with them. */
    CHECK(InternetSetCookieA(page, "api", "2"));
    snprintf(url, sizeof url, "%s/cookie/echo", base);
    const char *body = fetch(inet, url, 0);
    CHECK(strstr(body, "srv=1; srv-ho=1; api=2\r\n") != NULL);
    /* INTERNET_FLAG_NO_COOKIES: nothing sent, nothing stored. */
    body = fetch(inet, url, INTERNET_FLAG_NO_COOKIES);
    CHECK(strstr(body, "srv=1") == NULL);
    snprintf(url, sizeof url, "%s/cookie/other", base);
    fetch(inet, url, INTERNET_FLAG_NO_COOKIES);
    size = sizeof buf;
    CHECK(InternetGetCookieA(page, NULL, buf, &size));
    CHECK(strcmp(buf, "srv=1; api=2") == 0);
    /* END_BROWSER_SESSION on the NULL handle forgets the session cookies only. */
    CHECK(InternetSetCookieA(page, "keep", "1; expires=Fri, 01 Jan 2038 00:00:00 GMT"));
    SetLastError(0xdeadbeefu);
    CHECK(InternetSetOptionA(NULL, INTERNET_OPTION_END_BROWSER_SESSION, NULL, 0));
    CHECK(GetLastError() == 0);
    size = sizeof buf;
    CHECK(InternetGetCookieExA(page, NULL, buf, &size, INTERNET_COOKIE_HTTPONLY, NULL));
    CHECK(strcmp(buf, "keep=1") == 0);
    size = sizeof buf;
    CHECK_ERR(InternetGetCookieA(ho, NULL, buf, &size), ERROR_NO_MORE_ITEMS);
    CHECK(InternetCloseHandle(inet));

    printf("cookies ex ok\n");
    return 0;
}
