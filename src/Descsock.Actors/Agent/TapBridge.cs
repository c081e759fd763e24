using System.Runtime.InteropServices;
using Descsock.Interop;
using Descsock.Native;
namespace Descsock.Agent;

/// <summary>
/// A <see cref="ServiceMode.Tap"/> service: its TAP interface and the tenant attached to it, if
/// any. Frames the kernel sends out of the interface go to the tenant's receive ring; frames the
/// tenant sends are written to the kernel. The kernel boundary costs one read or write system
/// call per frame (a TAP has no batched interface without vhost); that is confined to this
/// bridge, the rings stay batched. Counters: "in" is tenant → kernel, "out" kernel → tenant;
/// a frame with no tenant attached, or refused by the kernel, is a no-room drop.
/// Thread-safety: the forwarding plane's thread only (the device is created by the listener).
/// </summary>
public sealed unsafe class TapBridge : IDisposable
{
    /// <summary>Read buffer: the largest frame a TAP can hand over (64 KiB of IP plus its header).</summary>
    private const int BufferSize = 65536 + 64;
    private readonly int _maxFrame;
    private readonly byte* _buffer = (byte*)NativeMemory.AlignedAlloc(BufferSize, 64);
    private readonly Segment[] _one = new Segment[1];

    /// <summary>Bridges <paramref name="service"/> to <paramref name="device"/>, which it then owns.</summary>
    public TapBridge(ServiceSettings service, TapDevice device, ServiceCounters counters, int maxFrame)
    {
        Service = service;
        Device = device;
        Counters = counters;
        _maxFrame = maxFrame;
    }

    /// <summary>The service.</summary>
    public ServiceSettings Service { get; }
    /// <summary>The interface.</summary>
    public TapDevice Device { get; }
    /// <summary>The service's counters.</summary>
    public ServiceCounters Counters { get; }
    /// <summary>The tenant receiving the kernel's frames, or null.</summary>
    public AgentPort? Tenant { get; set; }
    /// <summary>Set when the interface failed (for example it was deleted); the bridge is then polled no more.</summary>
    public int BrokenErrno { get; private set; }

    /// <summary>Moves up to <paramref name="burst"/> frames from the kernel to the tenant; returns frames read.</summary>
    public int Poll(int burst)
    {
        int frames = 0;
        while (frames < burst && BrokenErrno == 0)
        {
            int n = Device.Read(_buffer, BufferSize);
            if (n == 0) break;
            if (n < 0) { BrokenErrno = -n; break; }
            frames++;
            if (Tenant is null || n < 14 || n > _maxFrame)
            {
                Counters.DropsNoRoom++;
                continue;
            }
            _one[0] = new Segment(_buffer, n);
            Tenant.Transmit(_one, n, false);
        }
        return frames;
    }

    /// <summary>Writes one validated frame from the tenant into the kernel.</summary>
    public void Send(ReadOnlySpan<Segment> frame)
    {
        IoVec* pieces = stackalloc IoVec[frame.Length];
        for (int i = 0; i < frame.Length; i++) pieces[i] = new IoVec { Base = frame[i].Data, Length = (nuint)frame[i].Length };
        if (BrokenErrno != 0 || !Device.Write(pieces, frame.Length)) Counters.DropsNoRoom++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Device.Dispose();
        NativeMemory.AlignedFree(_buffer);
    }
}
