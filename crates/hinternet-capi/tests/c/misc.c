/* InternetGetLastResponseInfo, InternetAttemptConnect, InternetCheckConnection, the no-cache and
 * no-UI answers. */
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc == 4); /* argv[1] = a URL whose port listens, argv[2] = one that refuses,
                         argv[3] = a file: URL */
    DWORD err = 99, len = 0;
    char text[64];
    CHECK_ERR(InternetGetLastResponseInfoA(NULL, text, &len), ERROR_INVALID_PARAMETER);
    CHECK_ERR(InternetGetLastResponseInfoA(&err, text, NULL), ERROR_INVALID_PARAMETER);
    len = sizeof text;
    CHECK(InternetGetLastResponseInfoA(&err, text, &len));
    CHECK(err == 0 && len == 0);

    CHECK(InternetAttemptConnect(0) == ERROR_SUCCESS);
    CHECK(InternetCheckConnectionA(argv[1], FLAG_ICC_FORCE_CONNECTION, 0));
    CHECK_ERR(InternetCheckConnectionA(argv[2], FLAG_ICC_FORCE_CONNECTION, 0), ERROR_NOT_CONNECTED);
    CHECK_ERR(InternetCheckConnectionA("not a url", FLAG_ICC_FORCE_CONNECTION, 0),
              ERROR_NOT_CONNECTED);

    HINTERNET inet = InternetOpenA("c-misc", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);
    HINTERNET file = InternetOpenUrlA(inet, argv[3], NULL, 0, 0, 1);
    CHECK(file != NULL);
    void *lock = (void *)1;
    CHECK_ERR(InternetLockRequestFile(file, &lock), ERROR_FILE_NOT_FOUND);
    CHECK(lock == NULL);
    CHECK_ERR(InternetLockRequestFile(NULL, &lock), ERROR_INVALID_HANDLE);
    CHECK_ERR(InternetUnlockRequestFile(NULL), ERROR_INVALID_HANDLE);
    CHECK(InternetErrorDlg(NULL, NULL, ERROR_INTERNET_INVALID_CA, FLAGS_ERROR_UI_FLAGS_NO_UI, NULL)
          == ERROR_INVALID_HANDLE);
    CHECK(InternetErrorDlg(NULL, file, ERROR_INTERNET_INVALID_CA, FLAGS_ERROR_UI_FLAGS_NO_UI, NULL)
          == ERROR_CANCELLED);
    DWORD v = 5000;
    CHECK(InternetSetOptionExA(inet, INTERNET_OPTION_RECEIVE_TIMEOUT, &v, sizeof v, 0));
    CHECK(InternetCloseHandle(inet));
    printf("misc ok\n");
    return 0;
}
