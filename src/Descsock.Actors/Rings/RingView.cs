using System.Runtime.CompilerServices;
using Descsock.Wire;
namespace Descsock.Rings;

/// <summary>
/// Typed access to one memif ring header and its descriptors inside a mapped region. Holds raw
/// pointers: valid only while the owning mapping is (the owner stops pollers before unmapping).
/// The ring's geometry (size, mask) is ours, never re-read from shared memory.
/// </summary>
public readonly unsafe struct RingView
{
    private readonly byte* _header;
    private readonly RingDescriptor* _descriptors;

    /// <summary>A view of the ring whose header is at <paramref name="header"/>.</summary>
    public RingView(byte* header, int log2Size)
    {
        _header = header;
        _descriptors = (RingDescriptor*)(header + RingLayout.HeaderSize);
        Size = 1 << log2Size;
        Mask = Size - 1;
    }

    /// <summary>Descriptors in the ring.</summary>
    public int Size { get; }

    /// <summary><see cref="Size"/> - 1, to turn a free-running index into a slot.</summary>
    public int Mask { get; }

    /// <summary>The cookie field.</summary>
    public ref uint Cookie => ref Unsafe.AsRef<uint>(_header + RingLayout.CookieOffset);

    /// <summary>The ring flags (bit 0 = MASK_INT, written by the ring's consumer).</summary>
    public ref ushort Flags => ref Unsafe.AsRef<ushort>(_header + RingLayout.FlagsOffset);

    /// <summary>Head: always written by the client (tenant).</summary>
    public ref ushort Head => ref Unsafe.AsRef<ushort>(_header + RingLayout.HeadOffset);

    /// <summary>Tail: always written by the server (agent).</summary>
    public ref ushort Tail => ref Unsafe.AsRef<ushort>(_header + RingLayout.TailOffset);

    /// <summary>The descriptor for free-running index <paramref name="index"/>.</summary>
    public ref RingDescriptor Descriptor(int index) => ref _descriptors[index & Mask];

    /// <summary>Writes a fresh header (cookie, zero flags and indices) and zero descriptors.</summary>
    public void Initialize()
    {
        new Span<byte>(_descriptors, Size * DescriptorLayout.Size).Clear();
        Flags = 0;
        Head = 0;
        Tail = 0;
        Cookie = RingLayout.Cookie;
    }

    /// <summary>True when the peer asked to be signalled (its MASK_INT is clear).</summary>
    public bool PeerWantsInterrupt
    {
        // A plain read once the producer has fenced its index store: the consumer clears the
        // flag, fences, and re-checks the ring before it sleeps, so one of the two sees the other.
        get => (Volatile.Read(ref Flags) & RingLayout.FlagMaskInterrupt) == 0;
    }
}
