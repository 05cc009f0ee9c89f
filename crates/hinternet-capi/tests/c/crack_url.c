/* InternetCrackUrl in pointer mode (pointers into the caller's own string) and buffer mode, A
 * and W; InternetCreateUrl, InternetCanonicalizeUrl, InternetCombineUrl with their size rules. */
#include <string.h>
#include "check.h"

static const char *URL = "http://user:pw@example.com:8080/dir/file.txt?q=1#frag";

static void pointer_mode_a(void) {
    URL_COMPONENTSA uc;
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = 1;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = 1;
    CHECK(InternetCrackUrlA(URL, 0, 0, &uc));
    CHECK(uc.nScheme == INTERNET_SCHEME_HTTP && uc.nPort == 8080);
    CHECK(uc.lpszScheme == URL && uc.dwSchemeLength == 4);
    CHECK(uc.lpszUserName == URL + 7 && uc.dwUserNameLength == 4);
    CHECK(uc.lpszPassword == URL + 12 && uc.dwPasswordLength == 2);
    CHECK(uc.lpszHostName == URL + 15 && uc.dwHostNameLength == 11);
    CHECK(strncmp(uc.lpszUrlPath, "/dir/file.txt", uc.dwUrlPathLength) == 0);
    CHECK(uc.dwUrlPathLength == 13);
    CHECK(strncmp(uc.lpszExtraInfo, "?q=1#frag", uc.dwExtraInfoLength) == 0);
}

static void buffer_mode_a(void) {
    char scheme[8], host[32], path[4];
    URL_COMPONENTSA uc;
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = sizeof scheme;
    uc.lpszHostName = host;
    uc.dwHostNameLength = sizeof host;
    CHECK(InternetCrackUrlA(URL, 0, 0, &uc));
    CHECK(strcmp(scheme, "http") == 0 && uc.dwSchemeLength == 4);
    CHECK(strcmp(host, "example.com") == 0 && uc.dwHostNameLength == 11);
    /* Too small a path buffer: INSUFFICIENT_BUFFER with the size needed including the NUL. */
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = sizeof path;
    uc.dwSchemeLength = sizeof scheme;
    uc.dwHostNameLength = sizeof host;
    CHECK_ERR(InternetCrackUrlA(URL, 0, 0, &uc), ERROR_INSUFFICIENT_BUFFER);
    /* Extra info not asked for: the query and fragment stay in the path. */
    CHECK(uc.dwUrlPathLength == strlen("/dir/file.txt?q=1#frag") + 1);
}

static void wide(void) {
    WCHAR url[128];
    size_t n = strlen(URL);
    for (size_t i = 0; i <= n; i++) url[i] = (WCHAR)URL[i];
    URL_COMPONENTSW uc;
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.dwHostNameLength = 1;
    WCHAR scheme[8];
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 8;
    CHECK(InternetCrackUrlW(url, 0, 0, &uc));
    CHECK(uc.lpszHostName == url + 15 && uc.dwHostNameLength == 11);
    CHECK(scheme[0] == 'h' && scheme[4] == 0 && uc.dwSchemeLength == 4);
}

static void errors(void) {
    URL_COMPONENTSA uc;
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    CHECK_ERR(InternetCrackUrlA(NULL, 0, 0, &uc), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetCrackUrlA(URL, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetCrackUrlA("no scheme here", 0, 0, &uc), ERROR_INTERNET_UNRECOGNIZED_SCHEME);
    uc.dwStructSize = 7;
    CHECK_ERR(InternetCrackUrlA(URL, 0, 0, &uc), ERROR_INVALID_PARAMETER);
}

static void create(void) {
    URL_COMPONENTSA uc;
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.lpszScheme = (LPSTR) "http";
    uc.lpszHostName = (LPSTR) "example.com";
    uc.nPort = 42;
    uc.lpszUrlPath = (LPSTR) "/a b";
    char out[64];
    DWORD len = 0;
    CHECK_ERR(InternetCreateUrlA(&uc, 0, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == strlen("http://example.com:42/a b") + 1);
    len = sizeof out;
    CHECK(InternetCreateUrlA(&uc, 0, out, &len));
    CHECK(strcmp(out, "http://example.com:42/a b") == 0 && len == strlen(out));
    CHECK_ERR(InternetCreateUrlA(&uc, 0, out, NULL), ERROR_INVALID_PARAMETER);
}

static void canonicalize_and_combine(void) {
    char out[128];
    DWORD len = sizeof out;
    CHECK(InternetCanonicalizeUrlA("http://h/a/./b/../c d", out, &len, 0));
    CHECK(strcmp(out, "http://h/a/c%20d") == 0 && len == strlen(out));
    len = 3;
    CHECK_ERR(InternetCanonicalizeUrlA("http://h/a/./b/../c d", out, &len, 0),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == strlen("http://h/a/c%20d") + 1);
    len = sizeof out;
    CHECK(InternetCombineUrlA("http://h/a/b/c", "../d?x", out, &len, 0));
    CHECK(strcmp(out, "http://h/a/d?x") == 0 && len == strlen(out));
    CHECK_ERR(InternetCombineUrlA(NULL, "x", out, &len, 0), ERROR_INVALID_PARAMETER);
}

int main(void) {
    pointer_mode_a();
    buffer_mode_a();
    wide();
    errors();
    create();
    canonicalize_and_combine();
    printf("url ok\n");
    return 0;
}
