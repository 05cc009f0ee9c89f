/* InternetOpenUrl on a file: URL and an InternetReadFile loop; bytes compared with the file. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 3); /* argv[1] = file: URL, argv[2] = the same file's path */
    FILE *f = fopen(argv[2], "rb");
    CHECK(f != NULL);
    static unsigned char expect[1 << 20];
    size_t expect_len = fread(expect, 1, sizeof expect, f);
    fclose(f);

    HINTERNET inet = InternetOpenA("c-test", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    CHECK(GetLastError() == 0);
    HINTERNET file = InternetOpenUrlA(inet, argv[1], NULL, 0, 0, 1);
    CHECK(file != NULL);

    DWORD avail = 0;
    CHECK(InternetQueryDataAvailable(file, &avail, 0, 0));
    CHECK(avail == expect_len);

    static unsigned char got[1 << 20];
    size_t total = 0;
    static unsigned char buf[65536];
    for (;;) {
        DWORD n = 0xffffffffu;
        CHECK(InternetReadFile(file, buf, sizeof buf, &n));
        if (n == 0) break;
        CHECK(total + n <= sizeof got);
        memcpy(got + total, buf, n);
        total += n;
    }
    CHECK(total == expect_len);
    CHECK(memcmp(got, expect, total) == 0);

    /* End of data reads as success with 0 bytes, repeatedly. */
    DWORD n = 7;
    CHECK(InternetReadFile(file, buf, sizeof buf, &n) && n == 0);

    /* Seek back and read again. */
    CHECK(InternetSetFilePointer(file, 10, NULL, FILE_BEGIN, 0) == 10);
    CHECK(InternetReadFile(file, buf, 5, &n) && n == 5);
    CHECK(memcmp(buf, expect + 10, 5) == 0);

    DWORD type = 0, len = sizeof type;
    CHECK(InternetQueryOptionA(file, INTERNET_OPTION_HANDLE_TYPE, &type, &len));
    CHECK(type == INTERNET_HANDLE_TYPE_FILE_REQUEST && len == 4);

    CHECK(InternetCloseHandle(file));
    CHECK(InternetCloseHandle(inet));
    printf("read %zu bytes\n", total);
    return 0;
}
