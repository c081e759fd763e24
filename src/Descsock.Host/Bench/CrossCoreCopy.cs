using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
namespace Descsock.Host.Bench;

/// <summary>
/// The machine's state, measured as traffic: how many 1500-byte frames a plain ring carries from
/// one CPU to the other in a tenth of a second. One thread copies frames into a ring of 1024
/// 2 KB slots and publishes 32 at a time; the other copies them out and hands the slots back.
/// No memif, no descriptors, nothing of ours: the ceiling of any shared-memory pair here.
/// <para>
/// On this project's VM it reads 14–25 Mfps in the machine's fast state and 2–4 in its slow
/// state, where every pair, testpmd's too, slows the same way (a C program doing this showed it
/// first). <see cref="CoreToCore"/> alone does not tell the states apart: its round trip reads
/// about 100 ns in some slow stretches too. The benchmark measures this just before and just
/// after each rate run, and a run with a slow reading on either side is taken again
/// (<see cref="MachineStateGate"/>).
/// </para>
/// </summary>
internal static unsafe class CrossCoreCopy
{
    private const int Slots = 1024, SlotBytes = 2048, FrameBytes = 1500, Publish = 32;
    private const int HeadOffset = 0, TailOffset = 128, ReadyOffset = 256, StopOffset = 384, RingOffset = 4096;

    /// <summary>How long one reading copies frames.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    /// <summary>Frames per second carried from <paramref name="producerCpu"/> to <paramref name="consumerCpu"/>; NaN when a thread did not run within a second.</summary>
    public static double FramesPerSecond(int producerCpu, int consumerCpu)
    {
        nuint bytes = RingOffset + (nuint)Slots * SlotBytes;
        byte* block = (byte*)NativeMemory.AlignedAlloc(bytes, 4096);
        byte* frames = (byte*)NativeMemory.AlignedAlloc(SlotBytes * (Publish + 1), 64); // the frame sent, and the consumer's copies
        bool ended = true;
        try
        {
            NativeMemory.Clear(block, bytes); // touched before the clock starts: no page faults in the window
            NativeMemory.Fill(frames, SlotBytes, 0x5a);
            double rate = double.NaN;
            ended = PinnedPair.Run("cross-core-copy", producerCpu, () => rate = Produce(block, frames), consumerCpu, () => Consume(block, frames + SlotBytes),
                stop: () => Volatile.Write(ref *(long*)(block + StopOffset), 1));
            return ended ? rate : double.NaN;
        }
        finally
        {
            if (ended) // else a thread may still touch them: the ring (2 MB) is left behind, not freed under it
            {
                NativeMemory.AlignedFree(frames);
                NativeMemory.AlignedFree(block);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // measured at full speed from the first call
    private static double Produce(byte* block, byte* frame)
    {
        ref long head = ref *(long*)(block + HeadOffset), tail = ref *(long*)(block + TailOffset);
        ref long stop = ref *(long*)(block + StopOffset);
        var deadline = Stopwatch.StartNew();
        try
        {
            while (Volatile.Read(ref *(long*)(block + ReadyOffset)) == 0) // the clock starts when the consumer runs
                if (deadline.ElapsedMilliseconds > 1000 || Volatile.Read(ref stop) != 0) return double.NaN;
            long h = 0, start = Stopwatch.GetTimestamp(), end = start + (long)(Window.TotalSeconds * Stopwatch.Frequency), now;
            while ((now = Stopwatch.GetTimestamp()) < end)
            {
                for (int i = 0; i < Publish; i++)
                {
                    for (int spins = 0; h - Volatile.Read(ref tail) >= Slots; spins++) // the ring is full
                        if ((spins & 0xFFF) == 0xFFF && (deadline.ElapsedMilliseconds > 1000 + Window.TotalMilliseconds || Volatile.Read(ref stop) != 0))
                            return double.NaN;
                    Buffer.MemoryCopy(frame, block + RingOffset + h % Slots * SlotBytes, SlotBytes, FrameBytes);
                    h++;
                }
                Volatile.Write(ref head, h);
            }
            return h / ((double)(now - start) / Stopwatch.Frequency);
        }
        finally
        {
            Volatile.Write(ref stop, 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Consume(byte* block, byte* copies)
    {
        ref long head = ref *(long*)(block + HeadOffset), tail = ref *(long*)(block + TailOffset);
        ref long stop = ref *(long*)(block + StopOffset);
        Volatile.Write(ref *(long*)(block + ReadyOffset), 1);
        long t = 0;
        while (Volatile.Read(ref stop) == 0)
        {
            long h = Volatile.Read(ref head);
            for (; t < h; t++) Buffer.MemoryCopy(block + RingOffset + t % Slots * SlotBytes, copies + t % Publish * SlotBytes, SlotBytes, FrameBytes);
            Volatile.Write(ref tail, t);
        }
    }
}
