/* InternetQueryOption / InternetSetOption buffer conventions, A and W. */
#include <string.h>
#include "check.h"

int main(void) {
    HINTERNET inet = InternetOpenA("agent/1.0", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(inet != NULL);

    /* USER_AGENT via A: NULL buffer -> INSUFFICIENT_BUFFER with strlen+1; success -> strlen. */
    DWORD len = 0;
    CHECK_ERR(InternetQueryOptionA(inet, INTERNET_OPTION_USER_AGENT, NULL, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 10);
    char agent[32];
    len = sizeof agent;
    CHECK(InternetQueryOptionA(inet, INTERNET_OPTION_USER_AGENT, agent, &len));
    CHECK(len == 9 && strcmp(agent, "agent/1.0") == 0);

    /* W: too small -> bytes including the NUL; success -> characters. */
    WCHAR wagent[32];
    len = 4;
    CHECK_ERR(InternetQueryOptionW(inet, INTERNET_OPTION_USER_AGENT, wagent, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 20);
    len = sizeof wagent;
    CHECK(InternetQueryOptionW(inet, INTERNET_OPTION_USER_AGENT, wagent, &len));
    CHECK(len == 9 && wagent[0] == 'a' && wagent[8] == '0' && wagent[9] == 0);

    /* DWORD options: 4 bytes needed, 4 reported. */
    DWORD v = 0;
    len = 3;
    CHECK_ERR(InternetQueryOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &v, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 4);
    v = 1234;
    CHECK(InternetSetOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &v, sizeof v));
    v = 0;
    len = sizeof v;
    CHECK(InternetQueryOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &v, &len));
    CHECK(v == 1234 && len == 4);
    v = 0;
    CHECK_ERR(InternetSetOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &v, sizeof v),
              ERROR_BAD_ARGUMENTS);
    CHECK_ERR(InternetSetOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &v, 2),
              ERROR_INTERNET_BAD_OPTION_LENGTH);

    /* Read-only and unknown options. */
    CHECK_ERR(InternetSetOptionA(inet, INTERNET_OPTION_HANDLE_TYPE, &v, sizeof v),
              ERROR_INTERNET_OPTION_NOT_SETTABLE);
    CHECK_ERR(InternetSetOptionA(inet, 0xdeadbeefu, &v, sizeof v), ERROR_INTERNET_INVALID_OPTION);

    /* MAX_CONNS_PER_SERVER is global only. */
    len = sizeof v;
    CHECK(InternetQueryOptionA(NULL, INTERNET_OPTION_MAX_CONNS_PER_SERVER, &v, &len));
    CHECK(v >= 1);
    CHECK_ERR(InternetQueryOptionA(inet, INTERNET_OPTION_MAX_CONNS_PER_SERVER, &v, &len),
              ERROR_INTERNET_INVALID_OPERATION);
    v = 0;
    CHECK_ERR(InternetSetOptionA(NULL, INTERNET_OPTION_MAX_CONNS_PER_SERVER, &v, sizeof v),
              ERROR_BAD_ARGUMENTS);

    /* CONTEXT_VALUE: pointer-sized. */
    DWORD_PTR ctx = 0x1234;
    CHECK_ERR(InternetSetOptionA(inet, INTERNET_OPTION_CONTEXT_VALUE, &ctx, 4),
              ERROR_INVALID_PARAMETER);
    CHECK(InternetSetOptionA(inet, INTERNET_OPTION_CONTEXT_VALUE, &ctx, sizeof ctx));
    ctx = 0;
    len = sizeof ctx;
    CHECK(InternetQueryOptionA(inet, INTERNET_OPTION_CONTEXT_VALUE, &ctx, &len));
    CHECK(ctx == 0x1234 && len == sizeof ctx);
    len = 0;
    CHECK_ERR(InternetQueryOptionA(inet, INTERNET_OPTION_CONTEXT_VALUE, NULL, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == sizeof(DWORD_PTR));
    CHECK_ERR(InternetQueryOptionA(NULL, INTERNET_OPTION_CONTEXT_VALUE, &ctx, &len),
              ERROR_INTERNET_INCORRECT_HANDLE_TYPE);

    /* PROXY: the struct with its strings after it. */
    HINTERNET prox = InternetOpenA("p", INTERNET_OPEN_TYPE_PROXY, "proxy.invalid:3128", "<local>", 0);
    CHECK(prox != NULL);
    len = 0;
    CHECK_ERR(InternetQueryOptionA(prox, INTERNET_OPTION_PROXY, NULL, &len),
              ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == sizeof(INTERNET_PROXY_INFOA) + 19 + 8);
    unsigned char pbuf[256];
    len = sizeof pbuf;
    CHECK(InternetQueryOptionA(prox, INTERNET_OPTION_PROXY, pbuf, &len));
    INTERNET_PROXY_INFOA *pi = (INTERNET_PROXY_INFOA *)pbuf;
    CHECK(pi->dwAccessType == INTERNET_OPEN_TYPE_PROXY);
    CHECK(strcmp(pi->lpszProxy, "proxy.invalid:3128") == 0);
    CHECK(strcmp(pi->lpszProxyBypass, "<local>") == 0);

    CHECK(InternetCloseHandle(prox));
    CHECK(InternetCloseHandle(inet));
    printf("options ok\n");
    return 0;
}
