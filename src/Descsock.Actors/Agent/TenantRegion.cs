using Descsock.Native;
namespace Descsock.Agent;

/// <summary>One region a tenant shared with the agent, mapped with exactly its declared size after its checks.</summary>
public sealed unsafe class TenantRegion : IDisposable
{
    /// <summary>Wraps a checked fd; mapped later, at CONNECT.</summary>
    public TenantRegion(FileDescriptor fd, ulong size)
    {
        Descriptor = fd;
        Size = size;
    }

    /// <summary>The tenant's fd.</summary>
    public FileDescriptor Descriptor { get; }

    /// <summary>The declared (and checked) size.</summary>
    public ulong Size { get; }

    /// <summary>The mapping, once mapped.</summary>
    public MemoryMapping? Mapping { get; private set; }

    /// <summary>Base address; valid after <see cref="Map"/>.</summary>
    public byte* Base => Mapping!.Base;

    /// <summary>Maps the region.</summary>
    public void Map() => Mapping ??= MemoryMapping.Map(Descriptor, (long)Size);

    /// <summary>True when [offset, offset+length) lies inside the region (64-bit arithmetic, security rule 8).</summary>
    public bool Contains(ulong offset, ulong length) => offset <= Size && length <= Size - offset;

    /// <inheritdoc />
    public void Dispose()
    {
        Mapping?.Dispose();
        Descriptor.Dispose();
    }
}
