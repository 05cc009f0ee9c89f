/* (b) HttpOpenRequest + HttpAddRequestHeaders + HttpSendRequest + HttpQueryInfo, A and W: status
 * as number and text, named and repeated headers, raw header blocks, and the exact sizes of the
 * too-small cases. argv[1] = host, argv[2] = port. The route /headers answers "hello" with
 * X-Dup: one, X-Dup: two. */
#include <ctype.h>
#include <string.h>
#include "check.h"

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return 1;
    }
    return 0;
}

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

int main(int argc, char **argv) {
    CHECK(argc == 3);
    INTERNET_PORT port = (INTERNET_PORT)atoi(argv[2]);
    HINTERNET inet = InternetOpenA("c-query", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET con = InternetConnectA(inet, argv[1], port, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0);
    CHECK(con != NULL);

    /* Wrong handle types and NULL handles. */
    CHECK_ERR(HttpOpenRequestA(inet, "GET", "/", NULL, NULL, NULL, 0, 0) != NULL,
              ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    char buf[512];
    DWORD len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(con, HTTP_QUERY_STATUS_CODE, buf, &len, NULL),
              ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(HttpAddRequestHeadersA(con, "A: b\r\n", (DWORD)-1, HTTP_ADDREQ_FLAG_ADD),
              ERROR_INTERNET_INCORRECT_HANDLE_TYPE);

    const char *accept[] = {"text/plain", "", "text/html", NULL};
    HINTERNET req = HttpOpenRequestA(con, "GET", "/headers", NULL, NULL, accept, INTERNET_FLAG_RELOAD, 3);
    CHECK(req != NULL);
    CHECK(GetLastError() == 0);

    /* Request headers: added before the send, readable with FLAG_REQUEST_HEADERS. */
    CHECK(HttpAddRequestHeadersA(req, "X-Test: one\r\nX-Other: two\r\n", (DWORD)-1, HTTP_ADDREQ_FLAG_ADD));
    CHECK(HttpAddRequestHeadersA(req, NULL, 0, HTTP_ADDREQ_FLAG_ADD));
    CHECK_ERR(HttpAddRequestHeadersA(req, "X-Test: again\r\n", (DWORD)-1, HTTP_ADDREQ_FLAG_ADD_IF_NEW),
              ERROR_HTTP_HEADER_ALREADY_EXISTS);
    strcpy(buf, "X-Test");
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CUSTOM | HTTP_QUERY_FLAG_REQUEST_HEADERS, buf, &len, NULL));
    CHECK(len == 3 && strcmp(buf, "one") == 0);
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_CUSTOM, NULL, &len, NULL), ERROR_INVALID_PARAMETER);

    /* Before the send: status 0, no status text. */
    DWORD status = 0xdeadbeefu;
    len = 4;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, NULL));
    CHECK(status == 0 && len == 4);
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_TEXT, buf, &len, NULL), ERROR_HTTP_HEADER_NOT_FOUND);

    /* A: non-NULL headers with length 0 are a parameter error (behaviour E.66). */
    CHECK_ERR(HttpSendRequestA(req, "X-A: b\r\n", 0, NULL, 0), ERROR_INVALID_PARAMETER);
    CHECK(HttpSendRequestA(req, "X-Sent: yes\r\n", (DWORD)-1, NULL, 0));
    CHECK(GetLastError() == 0);

    /* Status as a number: 4 bytes, index 0 stays 0; index 1 is not found. */
    DWORD index = 0;
    len = sizeof status;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, &index));
    CHECK(status == 200 && len == 4 && index == 0);
    index = 1;
    len = sizeof status;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len, &index),
              ERROR_HTTP_HEADER_NOT_FOUND);
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_REQUEST_HEADERS, buf, &len, NULL),
              ERROR_HTTP_INVALID_QUERY_REQUEST);

    /* Status as text (A): success = chars without NUL; too small / NULL = chars with NUL. */
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, buf, &len, NULL));
    CHECK(len == 3 && strcmp(buf, "200") == 0);
    len = 0;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, NULL, &len, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 4);
    len = 3;
    memset(buf, 'z', 8);
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, buf, &len, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 4 && buf[0] == 'z');
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_STATUS_TEXT, buf, &len, NULL));
    CHECK(len == 2 && strcmp(buf, "OK") == 0);
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE, buf, NULL, NULL), ERROR_INVALID_PARAMETER);

    /* Status as text (W): bytes. */
    WCHAR wbuf[512];
    len = 0;
    CHECK_ERR(HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE, NULL, &len, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 8);
    len = sizeof wbuf;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE, wbuf, &len, NULL));
    CHECK(len == 6 && wide_eq(wbuf, "200"));

    /* A repeated header walked with the index: 0 -> 1 -> 2 -> not found, index unchanged. */
    index = 0;
    strcpy(buf, "X-Dup");
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CUSTOM, buf, &len, &index));
    CHECK(len == 3 && strcmp(buf, "one") == 0 && index == 1);
    strcpy(buf, "X-Dup");
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CUSTOM, buf, &len, &index));
    CHECK(len == 3 && strcmp(buf, "two") == 0 && index == 2);
    strcpy(buf, "X-Dup");
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_CUSTOM, buf, &len, &index), ERROR_HTTP_HEADER_NOT_FOUND);
    CHECK(index == 2);
    /* The same in W, and a too-small W buffer: bytes with the NUL, index not advanced. */
    index = 0;
    widen("X-Dup", wbuf, 512);
    len = 4;
    CHECK_ERR(HttpQueryInfoW(req, HTTP_QUERY_CUSTOM, wbuf, &len, &index), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 8 && index == 0);
    widen("X-Dup", wbuf, 512);
    len = sizeof wbuf;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_CUSTOM, wbuf, &len, &index));
    CHECK(len == 6 && wide_eq(wbuf, "one") && index == 1);

    /* A named level: Content-Length as a number and as text. */
    DWORD clen = 0;
    len = sizeof clen;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CONTENT_LENGTH | HTTP_QUERY_FLAG_NUMBER, &clen, &len, NULL));
    CHECK(clen == 5 && len == 4);
    len = sizeof buf;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CONTENT_LENGTH, buf, &len, NULL));
    CHECK(len == 1 && strcmp(buf, "5") == 0);
    len = sizeof buf;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_LOCATION, buf, &len, NULL), ERROR_HTTP_HEADER_NOT_FOUND);

    /* Date as a SYSTEMTIME (16 bytes); a named lookup advances the index; a 15-byte buffer
     * reports 16. */
    SYSTEMTIME st;
    memset(&st, 0, sizeof st);
    index = 0;
    len = sizeof st;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_DATE | HTTP_QUERY_FLAG_SYSTEMTIME, &st, &len, &index));
    CHECK(len == sizeof st && len == 16 && index == 1);
    CHECK(st.wYear >= 2024 && st.wMonth >= 1 && st.wMonth <= 12 && st.wDay >= 1 && st.wMilliseconds == 0);
    index = 0;
    len = 15;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_DATE | HTTP_QUERY_FLAG_SYSTEMTIME, &st, &len, &index),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 16 && index == 0);
    /* FLAG_NUMBER on a text header: ERROR_HTTP_INVALID_HEADER. */
    len = 4;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_DATE | HTTP_QUERY_FLAG_NUMBER, &clen, &len, NULL),
              ERROR_HTTP_INVALID_HEADER);

    /* RAW_HEADERS_CRLF: the whole block; too small = length + 1; W = bytes. */
    static char raw[4096];
    DWORD rawlen = sizeof raw;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_RAW_HEADERS_CRLF, raw, &rawlen, NULL));
    CHECK(rawlen == strlen(raw));
    CHECK(strncmp(raw, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(rawlen >= 4 && strcmp(raw + rawlen - 4, "\r\n\r\n") == 0);
    CHECK(contains_ci(raw, "\r\nx-dup: one\r\n") && contains_ci(raw, "\r\nx-dup: two\r\n"));
    len = rawlen;
    CHECK_ERR(HttpQueryInfoA(req, HTTP_QUERY_RAW_HEADERS_CRLF, raw, &len, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == rawlen + 1);
    len = 0;
    CHECK_ERR(HttpQueryInfoW(req, HTTP_QUERY_RAW_HEADERS_CRLF, NULL, &len, NULL), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == (rawlen + 1) * 2);
    static WCHAR wraw[4096];
    len = sizeof wraw;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_RAW_HEADERS_CRLF, wraw, &len, NULL));
    CHECK(len == rawlen * 2 && wide_eq(wraw, raw));

    /* The request as sent: request line, caller and send-time headers, Accept list. */
    len = sizeof raw;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_RAW_HEADERS_CRLF | HTTP_QUERY_FLAG_REQUEST_HEADERS, raw, &len, NULL));
    CHECK(strncmp(raw, "GET /headers HTTP/1.1\r\n", 23) == 0);
    CHECK(contains_ci(raw, "\r\nX-Test: one\r\n") && contains_ci(raw, "\r\nX-Sent: yes\r\n"));
    CHECK(contains_ci(raw, "\r\nAccept: text/plain, text/html\r\n"));

    /* The body. */
    DWORD n = 0;
    CHECK(InternetReadFile(req, buf, sizeof buf, &n));
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(InternetReadFile(req, buf, sizeof buf, &n) && n == 0);

    /* HttpEndRequest insists on a NULL lpBuffersOut. */
    INTERNET_BUFFERSA ib;
    memset(&ib, 0, sizeof ib);
    ib.dwStructSize = sizeof ib;
    CHECK_ERR(HttpEndRequestA(req, &ib, 0, 0), ERROR_INVALID_PARAMETER);
    CHECK(InternetCloseHandle(req));

    /* The W path: HttpOpenRequestW, HttpAddRequestHeadersW, HttpSendRequestW with length 0 =
     * NUL-terminated. */
    WCHAR verb[8], object[32], hdr[64];
    widen("GET", verb, 8);
    widen("/headers", object, 32);
    HINTERNET wreq = HttpOpenRequestW(con, verb, object, NULL, NULL, NULL, INTERNET_FLAG_RELOAD, 4);
    CHECK(wreq != NULL);
    widen("X-Wide: w1\r\n", hdr, 64);
    CHECK(HttpAddRequestHeadersW(wreq, hdr, (DWORD)-1, HTTP_ADDREQ_FLAG_ADD));
    widen("X-Wide-Send: w2\r\n", hdr, 64);
    CHECK(HttpSendRequestW(wreq, hdr, 0, NULL, 0));
    widen("X-Wide-Send", wbuf, 512);
    len = sizeof wbuf;
    CHECK(HttpQueryInfoW(wreq, HTTP_QUERY_CUSTOM | HTTP_QUERY_FLAG_REQUEST_HEADERS, wbuf, &len, NULL));
    CHECK(len == 4 && wide_eq(wbuf, "w2"));
    len = sizeof wbuf;
    CHECK(HttpQueryInfoW(wreq, HTTP_QUERY_STATUS_TEXT, wbuf, &len, NULL));
    CHECK(len == 4 && wide_eq(wbuf, "OK"));
    CHECK(InternetCloseHandle(wreq));

    CHECK(InternetCloseHandle(con));
    CHECK(InternetCloseHandle(inet));
    printf("query ok\n");
    return 0;
}
