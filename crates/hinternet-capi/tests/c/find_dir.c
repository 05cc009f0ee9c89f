/* InternetFindNextFile (A and W) over a directory opened with InternetOpenUrl. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc >= 2); /* argv[1] = file: URL of a directory, argv[2..] = expected names, sorted */
    HINTERNET inet = InternetOpenA("c-find", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);

    HINTERNET find = InternetOpenUrlA(inet, argv[1], NULL, 0, 0, 1);
    CHECK(find != NULL);
    WIN32_FIND_DATAA fd;
    int i = 2;
    while (InternetFindNextFileA(find, &fd)) {
        CHECK(i < argc);
        CHECK(strcmp(fd.cFileName, argv[i]) == 0);
        CHECK((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0);
        CHECK(fd.nFileSizeLow == strlen(argv[i]) && fd.nFileSizeHigh == 0);
        CHECK(fd.ftLastWriteTime.dwHighDateTime != 0);
        i++;
    }
    CHECK(GetLastError() == ERROR_NO_MORE_FILES);
    CHECK(i == argc);
    CHECK(InternetCloseHandle(find));

    find = InternetOpenUrlA(inet, argv[1], NULL, 0, 0, 1);
    CHECK(find != NULL);
    WIN32_FIND_DATAW fw;
    CHECK(InternetFindNextFileW(find, &fw));
    for (size_t k = 0; k <= strlen(argv[2]); k++) CHECK(fw.cFileName[k] == (WCHAR)argv[2][k]);
    CHECK(InternetCloseHandle(inet));
    printf("find ok\n");
    return 0;
}
