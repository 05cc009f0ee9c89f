/* (d) FtpFindFirstFile + InternetFindNextFile over the FTP test server, A and W.
 * argv: host port user password alpha_size, then the expected names (a directory "sub" among
 * them). */
#include <string.h>
#include "check.h"

static int seen_name(char **names, int count, const char *name, int *seen) {
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0) {
            seen[i]++;
            return 1;
        }
    return 0;
}

int main(int argc, char **argv) {
    CHECK(argc >= 7);
    char **names = argv + 6;
    int count = argc - 6;
    int seen[16] = {0};
    CHECK(count <= 16);
    DWORD alpha_size = (DWORD)strtoul(argv[5], NULL, 10);

    HINTERNET inet = InternetOpenA("c-ftp", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), argv[3], argv[4],
                                     INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 9);
    CHECK(con != NULL);

    WIN32_FIND_DATAA fd;
    memset(&fd, 0x55, sizeof fd);
    CHECK_ERR(FtpFindFirstFileA(inet, NULL, &fd, 0, 0) != NULL, ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    CHECK_ERR(FtpFindFirstFileA(NULL, NULL, &fd, 0, 0) != NULL, ERROR_INVALID_HANDLE);

    HINTERNET find = FtpFindFirstFileA(con, NULL, &fd, INTERNET_FLAG_RELOAD, 10);
    CHECK(find != NULL);
    CHECK(GetLastError() == 0);
    /* One enumeration at a time: the session is busy until the find handle is closed. */
    CHECK_ERR(FtpFindFirstFileA(con, NULL, NULL, 0, 0) != NULL, ERROR_FTP_TRANSFER_IN_PROGRESS);
    int entries = 0;
    for (;;) {
        entries++;
        CHECK(seen_name(names, count, fd.cFileName, seen));
        if (strcmp(fd.cFileName, "sub") == 0) {
            CHECK(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
        } else {
            CHECK(!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY));
        }
        if (strcmp(fd.cFileName, "alpha") == 0)
            CHECK(fd.nFileSizeLow == alpha_size && fd.nFileSizeHigh == 0);
        memset(&fd, 0x55, sizeof fd);
        if (!InternetFindNextFileA(find, &fd)) {
            CHECK(GetLastError() == ERROR_NO_MORE_FILES);
            break;
        }
    }
    CHECK(entries == count);
    for (int i = 0; i < count; i++) CHECK(seen[i] == 1);
    CHECK_ERR(InternetFindNextFileA(find, &fd), ERROR_NO_MORE_FILES);
    CHECK(InternetCloseHandle(find));

    /* The W form, with a wildcard matching one file. */
    WIN32_FIND_DATAW fw;
    WCHAR pattern[] = {'a', '*', 0};
    find = FtpFindFirstFileW(con, pattern, &fw, INTERNET_FLAG_RELOAD, 11);
    CHECK(find != NULL);
    CHECK(fw.cFileName[0] == 'a' && fw.cFileName[4] == 'a' && fw.cFileName[5] == 0);
    CHECK(fw.nFileSizeLow == alpha_size);
    CHECK_ERR(InternetFindNextFileW(find, &fw), ERROR_NO_MORE_FILES);
    CHECK(InternetCloseHandle(find));
    /* A wildcard that matches nothing. */
    CHECK_ERR(FtpFindFirstFileA(con, "*.none", &fd, INTERNET_FLAG_RELOAD, 0) != NULL, ERROR_NO_MORE_FILES);

    CHECK(InternetCloseHandle(con));
    CHECK(InternetCloseHandle(inet));
    printf("ftp find ok\n");
    return 0;
}
