/*
 * test_client.c - the seed's usage, step by step: open a descsock connection to the DMA agent,
 * send one Ethernet frame to an echo service, wait for it with descsock_poll(), receive it,
 * check it, close.
 *
 *   make example && ./test_client [MASTER_SOCKET [SVC_ID [DMA_SHMEM_PATH]]]
 *
 * Defaults (or $DESCSOCK_MASTER_SOCKET, $DESCSOCK_SVC_ID, $DESCSOCK_DMA_SHMEM_PATH) match the
 * shipped config/agent.json: /run/descsock/agent.sock, service 0 (Echo), and an anonymous memfd
 * for the shared memory. Exits 0 when the echo came back intact.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "descsock.h"

#define FRAME_LEN 64 /* 60-byte minimum Ethernet frame + the 4 CRC bytes the seed requires */

static const char *arg_or_env(int argc, char **argv, int i, const char *env, const char *fallback)
{
    if (argc > i)
        return argv[i];
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

static int fail(const char *call)
{
    printf("%s: -1, errno %d (%s)\n", call, errno, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each step shows even if a later one crashes */
    descsock_client_spec_t spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.master_socket_path, DESCSOCK_PATHLEN, "%s",
             arg_or_env(argc, argv, 1, "DESCSOCK_MASTER_SOCKET", "/run/descsock/agent.sock"));
    spec.svc_id = atoi(arg_or_env(argc, argv, 2, "DESCSOCK_SVC_ID", "0"));
    snprintf(spec.dma_shmem_path, DESCSOCK_PATHLEN, "%s", arg_or_env(argc, argv, 3, "DESCSOCK_DMA_SHMEM_PATH", ""));

    /* 1) Open: blocking by default (flags 0). */
    if (descsock_open(&spec, 0) != 0)
        return fail("descsock_open");
    printf("descsock_open: connected to %s as svc_id %d\n", spec.master_socket_path, spec.svc_id);

    /* 2) Send one frame: broadcast destination, a locally administered source, the local
     * experimental EtherType 0x88b5, a counting payload, then 4 empty CRC bytes. */
    unsigned char frame[FRAME_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5 };
    for (int i = 14; i < FRAME_LEN - 4; i++)
        frame[i] = (unsigned char)i;
    ssize_t sent = descsock_send(frame, sizeof frame, 0);
    if (sent < 0)
        return fail("descsock_send");
    printf("descsock_send: %zd bytes\n", sent);

    /* Wait for the echo with descsock_poll (never blocks), for up to 5 s. */
    int events = 0;
    for (int ms = 0; ms < 5000 && !(events & (DESCSOCK_POLLIN | DESCSOCK_POLLERR)); ms++) {
        events = descsock_poll(DESCSOCK_POLLIN);
        if (!events)
            nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    if (events & DESCSOCK_POLLERR)
        return fail("descsock_poll");
    if (!(events & DESCSOCK_POLLIN)) {
        printf("descsock_poll: no frame came back within 5 s\n");
        return 1;
    }
    printf("descsock_poll: DESCSOCK_POLLIN\n");

    /* Receive: a frame is queued, so non-blocking cannot say EWOULDBLOCK here. */
    unsigned char back[9220];
    ssize_t got = descsock_recv(back, sizeof back, DESCSOCK_NONBLOCK);
    if (got < 0)
        return fail("descsock_recv");
    int intact = got == FRAME_LEN && memcmp(back, frame, FRAME_LEN - 4) == 0;
    printf("descsock_recv: %zd bytes, %s\n", got, intact ? "echo intact" : "echo DIFFERS");

    /* The seed defines no descsock_cntl commands yet: expect EINVAL. */
    if (descsock_cntl(0) == -1)
        printf("descsock_cntl(0): -1, errno %d (%s)\n", errno, strerror(errno));

    /* 3) Close. */
    if (descsock_close() != 0)
        return fail("descsock_close");
    printf("descsock_close: done\n");
    return intact ? 0 : 1;
}
