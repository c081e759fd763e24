# The seed's C API on the .NET engine (see README.md, "C API"):
#   make / make lib   build/libdescsock.so (C shim hosting .NET) + build/dotnet/ (the managed bridge)
#   make example      ./test_client, linked with an rpath to build/ so it runs as is
#   make clean
# Needs gcc, make and the .NET 10 SDK (which ships nethost: libnethost.a, nethost.h, hostfxr.h).

CFLAGS  ?= -O2 -g
# override: `make CFLAGS=...` still gets the language level and warnings-as-errors.
override CFLAGS += -std=c11 -Wall -Wextra -Werror
DOTNET  ?= dotnet
BUILD   := build

# The SDK's root (where `dotnet` really lives) and its newest Microsoft.NETCore.App.Host pack,
# found by glob so an SDK update does not break the build.
DOTNET_ROOT ?= $(patsubst %/,%,$(dir $(realpath $(shell command -v $(DOTNET)))))
NETHOST_DIR := $(shell ls -d $(DOTNET_ROOT)/packs/Microsoft.NETCore.App.Host.linux-x64/*/runtimes/linux-x64/native 2>/dev/null | sort -V | tail -n 1)

.PHONY: all lib bridge example clean
all: lib

lib: $(BUILD)/libdescsock.so bridge

# dotnet decides what is out of date; publish gathers the bridge with Akka, deps.json and
# runtimeconfig.json. PublishDir rather than -o: SDK 10.0.401 passes -o to MSBuild malformed.
bridge:
	$(DOTNET) publish src/Descsock.Native -c Release -p:PublishDir=$(abspath $(BUILD))/dotnet/ --nologo -v quiet

# nethost is linked statically and its symbols kept private (--exclude-libs): only the six
# descsock_* functions are exported (-fvisibility=hidden + EXPORT in the shim). nethost is C++:
# libstdc++ comes dynamically, as hostfxr and the runtime load it anyway. --no-undefined makes a
# missing library an error here rather than at the first call.
$(BUILD)/libdescsock.so: native/descsock_shim.c include/descsock.h Makefile
	@test -n "$(NETHOST_DIR)" || { echo "nethost not found under $(DOTNET_ROOT)/packs/Microsoft.NETCore.App.Host.linux-x64 (set DOTNET_ROOT)" >&2; exit 1; }
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -shared -fPIC -fvisibility=hidden -Iinclude -I$(NETHOST_DIR) -o $@ $< \
		$(NETHOST_DIR)/libnethost.a -Wl,--exclude-libs,ALL -Wl,--no-undefined -lstdc++ -ldl -lpthread

example: lib test_client

# $ORIGIN: the loader looks for libdescsock.so in build/ beside the executable, wherever it is run from.
test_client: examples/test_client.c include/descsock.h $(BUILD)/libdescsock.so
	$(CC) $(CFLAGS) -Iinclude -o $@ $< -L$(BUILD) -ldescsock -Wl,-rpath,'$$ORIGIN/$(BUILD)'

clean:
	rm -rf $(BUILD) test_client
