using Descsock.Client;
using Descsock.Interop;
namespace Descsock.Tests.Client;

/// <summary>The backoff's arithmetic: exponential, bounded, jittered within its band.</summary>
public class ReconnectPolicyTests
{
    private static readonly ReconnectPolicy Policy = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5), Multiplier = 2, Jitter = 0.2,
    };

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(6, 3200)]
    [InlineData(7, 5000)]   // 6400 capped
    [InlineData(1000, 5000)] // no overflow however long the outage
    public void Without_jitter_the_delay_doubles_up_to_the_cap(int attempt, int expectedMs) =>
        Assert.Equal(expectedMs, Policy.Delay(attempt, 0.5).TotalMilliseconds, 3);

    [Fact]
    public void Jitter_stays_within_its_band_and_never_exceeds_the_cap()
    {
        Assert.Equal(80, Policy.Delay(1, 0).TotalMilliseconds, 3);
        Assert.Equal(120, Policy.Delay(1, 0.999999).TotalMilliseconds, 1);
        Assert.Equal(4000, Policy.Delay(50, 0).TotalMilliseconds, 3);
        Assert.Equal(5000, Policy.Delay(50, 0.999999).TotalMilliseconds, 3);
        var random = new Random(42);
        for (int i = 0; i < 1000; i++)
        {
            double ms = Policy.Delay(3, random.NextDouble()).TotalMilliseconds;
            Assert.InRange(ms, 320, 480);
        }
    }

    [Theory]
    [InlineData(Errno.EACCES, true)]
    [InlineData(Errno.EPROTO, true)]
    [InlineData(Errno.EINVAL, true)]
    [InlineData(Errno.ENOENT, false)]
    [InlineData(Errno.ECONNREFUSED, false)]
    [InlineData(Errno.EADDRINUSE, false)]
    [InlineData(Errno.ETIMEDOUT, false)]
    public void Only_refusals_no_retry_can_cure_are_fatal(int errno, bool fatal) => Assert.Equal(fatal, ReconnectPolicy.IsFatal(errno));
}
