/*
 * descsock_shim.c - libdescsock.so: the seed's C API (include/descsock.h) on the .NET engine.
 *
 * Akka.NET does not run under NativeAOT, so this library hosts the ordinary .NET runtime: on the
 * first call it finds hostfxr with nethost, starts the runtime for the bridge assembly
 * (Descsock.Native.dll and its runtimeconfig/deps), and looks up one [UnmanagedCallersOnly]
 * entry point per C function. The entry points return a result >= 0 or -errno; here that becomes
 * errno and -1, as the seed asks.
 *
 * The bridge lives in the directory "dotnet" beside this library, or in $DESCSOCK_DOTNET_DIR.
 * The runtime is found as every .NET host finds it: $DOTNET_ROOT, else the global install.
 * If hosting fails, every call fails with ENOSYS and the reason is printed to stderr once.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coreclr_delegates.h>
#include <hostfxr.h>
#include <nethost.h>

#include "descsock.h"

#define EXPORT __attribute__((visibility("default")))

/* The managed side reads the spec through this pointer (ClientSpec.cs): pin the same layout. */
_Static_assert(offsetof(descsock_client_spec_t, dma_shmem_path) == 0, "spec layout");
_Static_assert(offsetof(descsock_client_spec_t, master_socket_path) == 108, "spec layout");
_Static_assert(offsetof(descsock_client_spec_t, svc_id) == 216, "spec layout");
_Static_assert(sizeof(descsock_client_spec_t) == 220, "spec layout");

#define BRIDGE_ASSEMBLY "Descsock.Native"
#define BRIDGE_TYPE     "Descsock.CApi.Exports, " BRIDGE_ASSEMBLY

/* The entry points of Descsock.CApi.Exports (src/Descsock.Native/Exports.cs). */
typedef int (CORECLR_DELEGATE_CALLTYPE *open_fn)(descsock_client_spec_t *spec, int flags);
typedef int (CORECLR_DELEGATE_CALLTYPE *poll_fn)(int mask, int *events);
typedef int (CORECLR_DELEGATE_CALLTYPE *send_fn)(const void *buf, size_t len, int flags);
typedef int (CORECLR_DELEGATE_CALLTYPE *recv_fn)(void *buf, size_t len, int flags);
typedef int (CORECLR_DELEGATE_CALLTYPE *cntl_fn)(int cmd);
typedef int (CORECLR_DELEGATE_CALLTYPE *close_fn)(void);

static struct {
    open_fn open;
    poll_fn poll;
    send_fn send;
    recv_fn recv;
    cntl_fn cntl;
    close_fn close;
} bridge;

static pthread_once_t bridge_once = PTHREAD_ONCE_INIT;
static int bridge_failed; /* written once inside pthread_once, which orders it for every reader */

static void hosting_failed(const char *what, const char *detail, int rc)
{
    fprintf(stderr, "descsock: cannot start the .NET engine: %s%s%s", what, detail ? ": " : "", detail ? detail : "");
    if (rc != 0)
        fprintf(stderr, " (hostfxr error 0x%08x)", (unsigned)rc);
    fputs("\n", stderr);
    bridge_failed = 1;
}

/* The bridge directory: $DESCSOCK_DOTNET_DIR, else "dotnet" beside this library. */
static int bridge_dir(char *dir, size_t size)
{
    const char *env = getenv("DESCSOCK_DOTNET_DIR");
    if (env && *env)
        return snprintf(dir, size, "%s", env) < (int)size ? 0 : -1;
    Dl_info info;
    if (!dladdr((void *)&bridge_dir, &info) || !info.dli_fname)
        return -1;
    char lib[PATH_MAX];
    if (!realpath(info.dli_fname, lib))
        return -1;
    char *slash = strrchr(lib, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return snprintf(dir, size, "%s/dotnet", lib) < (int)size ? 0 : -1;
}

static void *symbol(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p)
        hosting_failed("hostfxr lacks", name, 0);
    return p;
}

static void start_bridge(void)
{
    char dir[PATH_MAX], assembly[PATH_MAX], config[PATH_MAX];
    if (bridge_dir(dir, sizeof dir) != 0) {
        hosting_failed("cannot locate the bridge directory", "set DESCSOCK_DOTNET_DIR", 0);
        return;
    }
    if (snprintf(assembly, sizeof assembly, "%s/" BRIDGE_ASSEMBLY ".dll", dir) >= (int)sizeof assembly
        || snprintf(config, sizeof config, "%s/" BRIDGE_ASSEMBLY ".runtimeconfig.json", dir) >= (int)sizeof config) {
        hosting_failed("bridge path too long", dir, 0);
        return;
    }

    /* nethost: the assembly path lets a self-contained bridge use its own hostfxr. */
    char fxr_path[PATH_MAX];
    size_t fxr_size = sizeof fxr_path;
    struct get_hostfxr_parameters params = { sizeof params, assembly, NULL };
    int rc = get_hostfxr_path(fxr_path, &fxr_size, &params);
    if (rc != 0) {
        hosting_failed("no .NET runtime found", "install .NET 10 or set DOTNET_ROOT", rc);
        return;
    }
    void *fxr = dlopen(fxr_path, RTLD_NOW | RTLD_LOCAL);
    if (!fxr) {
        hosting_failed("cannot load hostfxr", dlerror(), 0);
        return;
    }
    hostfxr_initialize_for_runtime_config_fn init = (hostfxr_initialize_for_runtime_config_fn)symbol(fxr, "hostfxr_initialize_for_runtime_config");
    hostfxr_get_runtime_delegate_fn get_delegate = (hostfxr_get_runtime_delegate_fn)symbol(fxr, "hostfxr_get_runtime_delegate");
    hostfxr_close_fn close_context = (hostfxr_close_fn)symbol(fxr, "hostfxr_close");
    if (!init || !get_delegate || !close_context)
        return;

    /* 0, 1 (runtime already running in this process, compatible) and 2 are success; errors are negative. */
    hostfxr_handle context = NULL;
    rc = init(config, NULL, &context);
    if (rc < 0 || !context) {
        hosting_failed("cannot initialise the runtime for", config, rc);
        if (context)
            close_context(context);
        return;
    }
    load_assembly_and_get_function_pointer_fn load = NULL;
    rc = get_delegate(context, hdt_load_assembly_and_get_function_pointer, (void **)&load);
    close_context(context); /* the runtime stays up; the context was only needed to start it */
    if (rc != 0 || !load) {
        hosting_failed("cannot get the assembly loader", NULL, rc);
        return;
    }

    struct { const char *name; void **fn; } entries[] = {
        { "Open", (void **)&bridge.open }, { "Poll", (void **)&bridge.poll },
        { "Send", (void **)&bridge.send }, { "Recv", (void **)&bridge.recv },
        { "Cntl", (void **)&bridge.cntl }, { "Close", (void **)&bridge.close },
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        rc = load(assembly, BRIDGE_TYPE, entries[i].name, UNMANAGEDCALLERSONLY_METHOD, NULL, entries[i].fn);
        if (rc != 0 || !*entries[i].fn) {
            hosting_failed("cannot find the entry point in", assembly, rc);
            return;
        }
    }
}

/* 1 when the bridge is up; else 0 with errno = ENOSYS. */
static int ready(void)
{
    pthread_once(&bridge_once, start_bridge);
    if (bridge_failed) {
        errno = ENOSYS;
        return 0;
    }
    return 1;
}

/* The bridge's result >= 0, or -1 with errno from its -errno. */
static int result(int r)
{
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return r;
}

EXPORT int descsock_open(descsock_client_spec_t * const spec, const int flags)
{
    return ready() ? result(bridge.open(spec, flags)) : -1;
}

EXPORT int descsock_poll(int event_mask)
{
    int events = 0;
    if (!ready() || result(bridge.poll(event_mask, &events)) < 0)
        return DESCSOCK_POLLERR;
    return events;
}

EXPORT ssize_t descsock_send(const void * const buf, const size_t len, const int flags)
{
    return ready() ? result(bridge.send(buf, len, flags)) : -1;
}

EXPORT ssize_t descsock_recv(void * const buf, const size_t len, const int flags)
{
    return ready() ? result(bridge.recv(buf, len, flags)) : -1;
}

EXPORT int descsock_cntl(const int cmd, ...)
{
    /* No command takes arguments yet, so the variadic part is not read. */
    return ready() ? result(bridge.cntl(cmd)) : -1;
}

EXPORT int descsock_close(void)
{
    return ready() ? result(bridge.close()) : -1;
}
