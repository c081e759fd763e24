/*
 * descsock.h - the descsock tenant datapath, C API.
 *
 * The seed's declarations, unchanged in name, type and signature. libdescsock.so implements them
 * on the .NET engine (DescsockSocket), hosting the .NET runtime on the first call.
 *
 * One connection per process, as in the seed: descsock_open() opens it, the other calls act on
 * it, descsock_close() ends it. Every call may be made from any thread.
 *
 * Where the seed leaves something open, this library chose (and README.md says so):
 *   - DESCSOCK_PATHLEN is 108, the size of sun_path in struct sockaddr_un (NUL included).
 *   - DESCSOCK_NONBLOCK is (1 << 0); any other flag bit is refused with EINVAL.
 *   - An empty dma_shmem_path means an anonymous sealed memfd instead of a file.
 *   - descsock_open() while a connection is open fails with EISCONN; descsock_send/recv/cntl/close
 *     without one fail with EBADF, and descsock_poll() returns DESCSOCK_POLLERR with errno EBADF.
 *   - descsock_poll() signals an error by DESCSOCK_POLLERR in its result (the seed also calls it
 *     "-1"): (1 << 31) is negative as an int, so `descsock_poll(m) < 0` tests it too.
 *   - descsock_cntl(): the seed defines no commands, so every command fails with EINVAL.
 * Frames are complete Ethernet frames plus 4 trailing CRC bytes, as the seed requires.
 */
#ifndef DESCSOCK_H
#define DESCSOCK_H

#include <stddef.h>     /* size_t */
#include <sys/types.h>  /* ssize_t */

#ifdef __cplusplus
extern "C" {
#endif

/* Longest path the spec holds, NUL included (the seed names it without a value). */
#define DESCSOCK_PATHLEN    108

/* Flag for descsock_open() (default for later calls) and descsock_send()/descsock_recv():
 * fail with EWOULDBLOCK instead of waiting. */
#define DESCSOCK_NONBLOCK   (1 << 0)

/*
 * Structure containing hugepages path, master socket path and svc id.
 */
typedef struct {
    /*
     * This specifies the path to the shared memory file to be used to buffer
     * DMA operations - the descsock client library will create this file and
     * manage its geometry. If the file exists, it will be zeroed and
     * truncated or extended to meet the requirements of the library.
     * Preferably, this path resides under a 2MB-pagesize hugetlbfs mount.
     * Empty: an anonymous sealed memfd. The file is removed on close.
     */
    char    dma_shmem_path[DESCSOCK_PATHLEN];
    /*
     * This is the path to the DMA Agent or CPProxy master domain socket
     * ("@name" for an abstract socket).
     */
    char    master_socket_path[DESCSOCK_PATHLEN];
    /*
     * This specifies the Service ID the library will attempt to register
     * this client with.
     */
    int     svc_id;
} descsock_client_spec_t;

/*
 * Poll event bits requested in @event_mask of calls to `descsock_poll()`, and
 * returned by descsock_poll() if requested condition(s) are met.
 */
#define DESCSOCK_POLLIN     (1 <<  0)   // There is data to receive.
#define DESCSOCK_POLLOUT    (1 <<  1)   // Sending now would not block.
#define DESCSOCK_POLLERR    (1 << 31)   // Error condition (return only).

/*
 * Opens the tenant datapath connection to the DMA agent described by @spec and starts the
 * worker; @flags are the defaults for descsock_send()/descsock_recv().
 * Returns 0 on success, -1 on failure with errno set (ENOENT, ECONNREFUSED: no agent;
 * EACCES: secret or allow-list; EADDRINUSE: svc_id in use; EINVAL: bad spec or flags;
 * ETIMEDOUT; EISCONN: already open; ENOSYS: the .NET runtime could not be started, stderr
 * says why).
 */
int descsock_open(descsock_client_spec_t * const spec, const int flags);

/*
 * Returns the events of @event_mask that hold now (never blocks), plus DESCSOCK_POLLERR when the
 * connection has failed; DESCSOCK_POLLERR with errno set if the call itself fails.
 */
int descsock_poll(int event_mask);

/*
 * Queues one frame (Ethernet frame + 4 CRC bytes). Blocks for room unless DESCSOCK_NONBLOCK.
 * Returns the number of bytes sent, or -1 with errno set (EWOULDBLOCK: non-blocking and no room;
 * EINVAL: shorter than 18 bytes or unknown flags; EMSGSIZE: too long; EFAULT: @buf is NULL;
 * ENOTCONN, ECONNRESET: agent gone; EBADF).
 */
ssize_t descsock_send(const void * const buf, const size_t len, const int flags);

/*
 * Copies the next frame (with 4 CRC bytes) into @buf. Blocks for a frame unless DESCSOCK_NONBLOCK.
 * Returns the number of bytes received, or -1 with errno set (EWOULDBLOCK: non-blocking and
 * nothing queued; EMSGSIZE: @len too small, the frame stays queued; EINVAL: unknown flags;
 * EFAULT: @buf is NULL; ENOTCONN, ECONNRESET; EBADF).
 */
ssize_t descsock_recv(void * const buf, const size_t len, const int flags);

/*
 * An analogue of fcntl, for future options. No command is defined yet: -1 with errno EINVAL.
 */
int descsock_cntl(const int cmd, ...);

/*
 * Closes the connection, stops the worker, unmaps and removes the shared memory.
 * Returns 0 on success, -1 with errno set (EBADF: not open).
 */
int descsock_close(void);

#ifdef __cplusplus
}
#endif

#endif /* DESCSOCK_H */
