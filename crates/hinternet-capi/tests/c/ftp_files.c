/* (e) FtpGetFile / FtpPutFile round trip, (f) FtpOpenFile read and write, and the session
 * commands (directories, rename, delete, FtpCommand) with their exact errors and replies.
 * argv: host port user password alpha_size local_dir. The server's root has "alpha" (pattern
 * bytes (i % 251) * 31 + 7). Leaves "uploaded" and "written" on the server for the test. */
#include <string.h>
#include "check.h"

static size_t alpha_size;

static void check_pattern(const unsigned char *p, size_t n, size_t offset) {
    for (size_t i = 0; i < n; i++)
        CHECK(p[i] == (unsigned char)(((offset + i) % 251) * 31 + 7));
}

static void check_local(const char *path) {
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    CHECK(n == alpha_size);
    check_pattern(buf, n, 0);
}

int main(int argc, char **argv) {
    CHECK(argc == 7);
    alpha_size = (size_t)strtoul(argv[5], NULL, 10);
    char local[1024], local2[1024], missing[1024];
    snprintf(local, sizeof local, "%s/alpha.copy", argv[6]);
    snprintf(local2, sizeof local2, "%s/alpha.copy2", argv[6]);
    snprintf(missing, sizeof missing, "%s/does-not-exist", argv[6]);

    HINTERNET inet = InternetOpenA("c-ftp", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET con = InternetConnectA(inet, argv[1], (INTERNET_PORT)atoi(argv[2]), argv[3], argv[4],
                                     INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 0);
    CHECK(con != NULL);

    /* (e) Download, then upload the copy; the test compares the server's file. */
    CHECK_ERR(FtpGetFileA(con, NULL, local, FALSE, 0, FTP_TRANSFER_TYPE_BINARY, 0), ERROR_INVALID_PARAMETER);
    CHECK(FtpGetFileA(con, "alpha", local, FALSE, FILE_ATTRIBUTE_NORMAL, FTP_TRANSFER_TYPE_BINARY, 0));
    CHECK(GetLastError() == 0);
    check_local(local);
    CHECK_ERR(FtpGetFileA(con, "alpha", local, TRUE, 0, FTP_TRANSFER_TYPE_BINARY, 0), ERROR_FILE_EXISTS);
    CHECK(FtpPutFileA(con, local, "uploaded", FTP_TRANSFER_TYPE_BINARY, 0));
    CHECK_ERR(FtpPutFileA(con, missing, "nothing", FTP_TRANSFER_TYPE_BINARY, 0), ERROR_FILE_NOT_FOUND);
    /* The W forms: fetch the uploaded file back. */
    WCHAR wremote[64], wlocal[1024];
    const char *r = "uploaded";
    size_t i;
    for (i = 0; r[i]; i++) wremote[i] = (WCHAR)r[i];
    wremote[i] = 0;
    for (i = 0; local2[i]; i++) wlocal[i] = (WCHAR)(unsigned char)local2[i];
    wlocal[i] = 0;
    CHECK(FtpGetFileW(con, wremote, wlocal, TRUE, 0, FTP_TRANSFER_TYPE_BINARY, 0));
    check_local(local2);
    /* The Ex forms: a W local path with an A remote name, both ways. */
    CHECK(FtpPutFileEx(con, wlocal, "uploaded-ex", FTP_TRANSFER_TYPE_BINARY, 0));
    CHECK_ERR(FtpGetFileEx(con, "uploaded-ex", wlocal, TRUE, 0, FTP_TRANSFER_TYPE_BINARY, 0),
              ERROR_FILE_EXISTS);
    CHECK(FtpGetFileEx(con, "uploaded-ex", wlocal, FALSE, 0, FTP_TRANSFER_TYPE_BINARY, 0));
    check_local(local2);

    /* (f) FtpOpenFile for reading: size, then the bytes; the session is busy meanwhile. */
    CHECK_ERR(FtpOpenFileA(con, "alpha", 0, FTP_TRANSFER_TYPE_BINARY, 0) != NULL, ERROR_INVALID_PARAMETER);
    CHECK_ERR(FtpOpenFileA(con, NULL, GENERIC_READ, FTP_TRANSFER_TYPE_BINARY, 0) != NULL, ERROR_INVALID_PARAMETER);
    HINTERNET file = FtpOpenFileA(con, "alpha", GENERIC_READ, FTP_TRANSFER_TYPE_BINARY, 5);
    CHECK(file != NULL);
    DWORD high = 0xdeadbeefu;
    CHECK(FtpGetFileSize(file, &high) == alpha_size && high == 0);
    CHECK(GetLastError() == 0);
    CHECK(FtpGetFileSize(file, NULL) == alpha_size);
    CHECK_ERR(FtpCreateDirectoryA(con, "busy"), ERROR_FTP_TRANSFER_IN_PROGRESS);
    static unsigned char buf[9000];
    size_t total = 0;
    for (;;) {
        DWORD n = 0;
        CHECK(InternetReadFile(file, buf, sizeof buf, &n));
        if (n == 0) break;
        check_pattern(buf, n, total);
        total += n;
    }
    CHECK(total == alpha_size);
    CHECK(InternetCloseHandle(file));
    SetLastError(0);
    CHECK(FtpGetFileSize(con, &high) == 0xFFFFFFFFu);
    CHECK(GetLastError() == ERROR_INTERNET_INCORRECT_HANDLE_TYPE);

    /* FtpOpenFile for writing. */
    file = FtpOpenFileA(con, "written", GENERIC_WRITE, FTP_TRANSFER_TYPE_BINARY, 6);
    CHECK(file != NULL);
    const char *text = "written through FtpOpenFile\n";
    DWORD w = 0;
    CHECK(InternetWriteFile(file, text, (DWORD)strlen(text), &w) && w == strlen(text));
    CHECK(InternetCloseHandle(file));

    /* Directories. */
    CHECK(FtpCreateDirectoryA(con, "newdir"));
    CHECK(FtpSetCurrentDirectoryA(con, "newdir"));
    char cwd[MAX_PATH];
    DWORD len = sizeof cwd;
    CHECK(FtpGetCurrentDirectoryA(con, cwd, &len));
    CHECK(strcmp(cwd, "/newdir") == 0 && len == 8);
    len = 3;
    CHECK_ERR(FtpGetCurrentDirectoryA(con, cwd, &len), ERROR_INSUFFICIENT_BUFFER);
    len = 0;
    CHECK_ERR(FtpGetCurrentDirectoryA(con, cwd, &len), ERROR_INVALID_PARAMETER);
    CHECK_ERR(FtpGetCurrentDirectoryA(con, cwd, NULL), ERROR_INVALID_PARAMETER);
    len = MAX_PATH;
    CHECK_ERR(FtpGetCurrentDirectoryA(con, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK_ERR(FtpGetCurrentDirectoryA(NULL, cwd, &len), ERROR_INVALID_HANDLE);
    WCHAR wcwd[MAX_PATH];
    len = MAX_PATH;
    CHECK(FtpGetCurrentDirectoryW(con, wcwd, &len));
    CHECK(len == 8 && wcwd[0] == '/' && wcwd[1] == 'n' && wcwd[7] == 0);
    CHECK(FtpSetCurrentDirectoryA(con, "/"));
    CHECK(FtpRemoveDirectoryA(con, "newdir"));
    CHECK_ERR(FtpRemoveDirectoryA(con, "newdir"), ERROR_INTERNET_EXTENDED_ERROR);
    CHECK_ERR(FtpSetCurrentDirectoryA(con, NULL), ERROR_INVALID_PARAMETER);

    /* Rename and delete; a refusal carries the server's reply. */
    CHECK(FtpPutFileA(con, local, "tmp", FTP_TRANSFER_TYPE_BINARY, 0));
    CHECK(FtpRenameFileA(con, "tmp", "tmp2"));
    CHECK(FtpDeleteFileA(con, "tmp2"));
    CHECK_ERR(FtpDeleteFileA(con, "tmp2"), ERROR_INTERNET_EXTENDED_ERROR);
    DWORD code = 0;
    char reply[512];
    len = sizeof reply;
    CHECK(InternetGetLastResponseInfoA(&code, reply, &len));
    CHECK(len > 3 && reply[0] == '5');
    CHECK_ERR(FtpRenameFileA(con, "tmp2", "tmp3"), ERROR_INTERNET_EXTENDED_ERROR);

    /* FtpCommand: control-only commands, and a data command returning a handle. */
    CHECK_ERR(FtpCommandA(con, FALSE, 0, "", 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(FtpCommandA(con, FALSE, 0, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK(FtpCommandA(con, FALSE, 0, "PWD", 0, NULL));
    len = sizeof reply;
    CHECK(InternetGetLastResponseInfoA(&code, reply, &len));
    CHECK(strncmp(reply, "257", 3) == 0);
    CHECK_ERR(FtpCommandA(con, FALSE, 0, "BOGUSCMD", 0, NULL), ERROR_INTERNET_EXTENDED_ERROR);
    HINTERNET data = NULL;
    CHECK(FtpCommandA(con, TRUE, FTP_TRANSFER_TYPE_ASCII, "NLST", 0, &data));
    CHECK(data != NULL);
    static char listing[4096];
    total = 0;
    for (;;) {
        DWORD n = 0;
        CHECK(InternetReadFile(data, listing + total, (DWORD)(sizeof listing - 1 - total), &n));
        if (n == 0) break;
        total += n;
    }
    listing[total] = 0;
    CHECK(strstr(listing, "alpha") != NULL && strstr(listing, "uploaded") != NULL);
    CHECK(InternetCloseHandle(data));

    CHECK(InternetCloseHandle(con));
    CHECK(InternetCloseHandle(inet));
    printf("ftp files ok\n");
    return 0;
}
