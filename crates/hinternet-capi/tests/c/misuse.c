/* Misuse: NULL, closed, wrong-type and garbage handles, NULL buffers, zero sizes: exact
 * GetLastError values and no crash. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 2); /* argv[1] = a file: URL */
    unsigned char buf[16];
    DWORD n = 0, len = 0;

    /* NULL handles. */
    CHECK_ERR(InternetReadFile(NULL, buf, sizeof buf, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle(NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetConnectA(NULL, "127.0.0.1", 80, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0),
              ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetQueryDataAvailable(NULL, &n, 0, 0), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(InternetSetFilePointer(NULL, 0, NULL, FILE_BEGIN, 0) == INVALID_SET_FILE_POINTER);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(InternetSetStatusCallbackA(NULL, NULL) == INTERNET_INVALID_STATUS_CALLBACK);

    /* Garbage handle values. */
    CHECK_ERR(InternetReadFile((HINTERNET)(uintptr_t)0xdeadbeef, buf, sizeof buf, &n),
              ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle((HINTERNET)(uintptr_t)-1), ERROR_INVALID_HANDLE);

    HINTERNET inet = InternetOpenA("c-test", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);

    /* Wrong type: reading a session handle; OpenUrl on a file handle. */
    CHECK_ERR(InternetReadFile(inet, buf, sizeof buf, &n), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    HINTERNET file = InternetOpenUrlA(inet, argv[1], NULL, 0, 0, 1);
    CHECK(file != NULL);
    CHECK_ERR(InternetOpenUrlA(file, argv[1], NULL, 0, 0, 1) != NULL,
              ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    WIN32_FIND_DATAA fd;
    CHECK_ERR(InternetFindNextFileA(file, &fd), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);

    /* Bad arguments. */
    CHECK_ERR(InternetOpenUrlA(inet, NULL, NULL, 0, 0, 1) != NULL, ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetOpenUrlA(inet, "nosuch://x/", NULL, 0, 0, 1) != NULL,
              ERROR_INTERNET_UNRECOGNIZED_SCHEME);
    CHECK_ERR(InternetConnectA(inet, NULL, 80, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0) != NULL,
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetConnectA(inet, "", 80, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0) != NULL,
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetReadFile(file, NULL, 16, &n), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetReadFile(file, buf, sizeof buf, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetQueryOptionA(inet, INTERNET_OPTION_HANDLE_TYPE, buf, NULL),
              ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetQueryOptionA(inet, 0xdeadbeefu, buf, &len), ERROR_INTERNET_INVALID_OPTION);
    CHECK_ERR(InternetReadFileExA(file, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    INTERNET_BUFFERSA ib;
    memset(&ib, 0, sizeof ib);
    ib.dwStructSize = 1;
    CHECK_ERR(InternetReadFileExA(file, &ib, 0, 0), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(InternetSetFilePointer(file, -5, NULL, FILE_CURRENT, 0) == INVALID_SET_FILE_POINTER);
    CHECK(GetLastError() == ERROR_NEGATIVE_SEEK);

    /* Zero sizes are fine: a 0-byte read returns 0 bytes. */
    n = 99;
    CHECK(InternetReadFile(file, buf, 0, &n) && n == 0);
    ib.dwStructSize = sizeof ib;
    ib.lpvBuffer = NULL;
    ib.dwBufferLength = 0;
    CHECK(InternetReadFileExA(file, &ib, 0, 0) && ib.dwBufferLength == 0);

    /* Closed handles and children of a closed parent. */
    CHECK(InternetCloseHandle(inet));
    CHECK_ERR(InternetReadFile(file, buf, sizeof buf, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle(file), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetCloseHandle(inet), ERROR_INVALID_HANDLE);
    len = sizeof buf;
    CHECK_ERR(InternetQueryOptionA(file, INTERNET_OPTION_HANDLE_TYPE, buf, &len),
              ERROR_INVALID_HANDLE);

    /* A proxy access type without a proxy. */
    CHECK_ERR(InternetOpenA("x", INTERNET_OPEN_TYPE_PROXY, NULL, NULL, 0) != NULL,
              ERROR_INVALID_PARAMETER);
    printf("misuse ok\n");
    return 0;
}
