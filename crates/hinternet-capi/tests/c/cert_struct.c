/* INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT: INVALID_OPERATION before there is a TLS
 * connection, the size rule, the facts of the server's certificate, and strings the caller frees
 * with LocalFree. argv[1] = port of a TLS server whose certificate is for localhost and
 * 127.0.0.1 (its CA is not trusted here, so the request ignores an unknown CA). */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 2);
    INTERNET_PORT port = (INTERNET_PORT)atoi(argv[1]);
    HINTERNET inet = InternetOpenA("c-cert", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET conn = InternetConnectA(inet, "127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 0);
    CHECK(conn != NULL);
    HINTERNET req = HttpOpenRequestA(conn, "GET", "/", NULL, NULL, NULL,
                                     INTERNET_FLAG_SECURE | INTERNET_FLAG_RELOAD, 0);
    CHECK(req != NULL);

    /* Before the send there is no certificate. */
    INTERNET_CERTIFICATE_INFO info;
    DWORD len = sizeof info;
    CHECK_ERR(InternetQueryOptionA(req, INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &len),
              ERROR_INTERNET_INVALID_OPERATION);

    DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA;
    CHECK(InternetSetOptionA(req, INTERNET_OPTION_SECURITY_FLAGS, &flags, sizeof flags));
    CHECK(HttpSendRequestA(req, NULL, 0, NULL, 0));

    /* Too small: the struct's size. */
    len = sizeof info - 1;
    CHECK_ERR(InternetQueryOptionA(req, INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == sizeof info);
    CHECK(sizeof info == 8 * 2 + 5 * sizeof(char *) + sizeof(DWORD) + (sizeof(char *) == 8 ? 4 : 0));

    memset(&info, 0xAB, sizeof info);
    len = sizeof info;
    CHECK(InternetQueryOptionW(req, INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &len));
    CHECK(len == sizeof info);
    CHECK(info.lpszSubjectInfo && strcmp(info.lpszSubjectInfo, "localhost") == 0);
    CHECK(info.lpszIssuerInfo && strstr(info.lpszIssuerInfo, "hinternet testkit") != NULL);
    CHECK(info.lpszProtocolName && strncmp(info.lpszProtocolName, "TLS 1.", 6) == 0);
    CHECK(info.lpszSignatureAlgName && strcmp(info.lpszSignatureAlgName, "sha256ECDSA") == 0);
    CHECK(info.lpszEncryptionAlgName && strlen(info.lpszEncryptionAlgName) > 0);
    CHECK(info.dwKeySize == 128 || info.dwKeySize == 256);
    unsigned long long start = ((unsigned long long)info.ftStart.dwHighDateTime << 32) |
                               info.ftStart.dwLowDateTime;
    unsigned long long expiry = ((unsigned long long)info.ftExpiry.dwHighDateTime << 32) |
                                info.ftExpiry.dwLowDateTime;
    CHECK(start > 116444736000000000ull && expiry > start);
    CHECK(LocalFree(info.lpszSubjectInfo) == NULL);
    CHECK(LocalFree(info.lpszIssuerInfo) == NULL);
    CHECK(LocalFree(info.lpszProtocolName) == NULL);
    CHECK(LocalFree(info.lpszSignatureAlgName) == NULL);
    CHECK(LocalFree(info.lpszEncryptionAlgName) == NULL);
    CHECK(LocalFree(NULL) == NULL);

    CHECK(InternetCloseHandle(inet));
    printf("cert ok\n");
    return 0;
}
