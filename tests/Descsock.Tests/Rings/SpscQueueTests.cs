using Descsock.Rings;
namespace Descsock.Tests.Rings;

public class SpscQueueTests
{
    [Fact]
    public void Queue_is_bounded_fifo_with_peek_ahead()
    {
        var q = new SpscQueue(4);
        for (ulong i = 1; i <= 4; i++) Assert.True(q.TryEnqueue(i));
        Assert.False(q.TryEnqueue(5));
        Assert.True(q.TryPeek(2, out ulong third)); Assert.Equal(3UL, third);
        Assert.False(q.TryPeek(4, out _));
        q.Advance(2);
        Assert.True(q.TryDequeue(out ulong v)); Assert.Equal(3UL, v);
        Assert.Equal(1, q.Count);
    }

    [Fact]
    public async Task A_producer_and_a_consumer_thread_pass_a_million_items_in_order()
    {
        var q = new SpscQueue(1024);
        const int n = 1_000_000;
        var producer = Task.Run(() =>
        {
            for (ulong i = 0; i < n;) if (q.TryEnqueue(i)) i++; else Thread.SpinWait(10);
        });
        ulong expected = 0;
        while (expected < n)
        {
            if (q.TryDequeue(out ulong v)) { Assert.Equal(expected, v); expected++; }
            else Thread.SpinWait(10);
        }
        await producer;
    }
}
