namespace Descsock.Rings;

/// <summary>
/// A bounded single-producer / single-consumer queue of 64-bit entries: the hand-off between
/// the SEP worker and the application threads. Lock-free, allocation-free. Thread-safety: at
/// most one producer and one consumer at a time (callers serialise with their own guard).
/// </summary>
public sealed class SpscQueue
{
    private readonly ulong[] _items;
    private readonly int _mask;
    private PaddedCounter _head; // next to read; written by the consumer
    private PaddedCounter _tail; // next to write; written by the producer

    /// <summary>Creates a queue holding at least <paramref name="capacity"/> entries (rounded to a power of two).</summary>
    public SpscQueue(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _items = new ulong[size];
        _mask = size - 1;
    }

    /// <summary>Entries the queue can hold.</summary>
    public int Capacity => _items.Length;

    /// <summary>Entries currently queued (a snapshot).</summary>
    public int Count => (int)(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Producer: appends <paramref name="item"/>; false when full.</summary>
    public bool TryEnqueue(ulong item)
    {
        long tail = _tail.Value;
        if (tail - Volatile.Read(ref _head.Value) >= _items.Length) return false; // acquire: slot was consumed
        _items[tail & _mask] = item;
        Volatile.Write(ref _tail.Value, tail + 1); // release: the item before the index
        return true;
    }

    /// <summary>Consumer: reads the entry <paramref name="ahead"/> places after the head without removing it.</summary>
    public bool TryPeek(int ahead, out ulong item)
    {
        long head = _head.Value;
        if (head + ahead >= Volatile.Read(ref _tail.Value)) { item = 0; return false; } // acquire: item visible
        item = _items[(head + ahead) & _mask];
        return true;
    }

    /// <summary>Consumer: removes <paramref name="count"/> entries already peeked.</summary>
    public void Advance(int count) => Volatile.Write(ref _head.Value, _head.Value + count); // release: slots reusable

    /// <summary>Consumer: removes and returns the head entry.</summary>
    public bool TryDequeue(out ulong item)
    {
        if (!TryPeek(0, out item)) return false;
        Advance(1);
        return true;
    }
}
