using Descsock.Agent;
using Descsock.Host.Ping;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// An agent with nothing to do sleeps (design rule 6: idle tenants and agents cost nothing). The
/// real agent process, after it has served a tenant, is watched from <c>/proc</c>: its threads'
/// wake-ups are counted, and its inotify watches.
/// </summary>
[Collection("testpmd")]
public class AgentIdleTests(ITestOutputHelper output)
{
    /// <summary>
    /// Wake-ups a second the whole idle agent may have. What it legitimately has: the counters it
    /// logs every second (the test configuration's StatsInterval), the runtime's own housekeeping,
    /// and the forwarding plane's idle timeout. A 10 ms timer tick (Akka's default scheduler) would
    /// be 100 a second, a 100 ms accept poll 10.
    /// </summary>
    private const int AllowedWakeupsPerSecond = 8;

    [Fact]
    public async Task An_idle_agent_that_has_served_a_tenant_wakes_a_few_times_a_second_and_watches_no_files()
    {
        await using var agent = await AgentProcess.StartAsync([new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo }],
            settings: new Dictionary<string, object> { ["StatsInterval"] = "00:00:00" }); // no periodic counter log
        using (var tenant = DescsockSocket.Open(agent.Spec(1)))
            Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 10_000 }).Success);
        using var idle = DescsockSocket.Open(agent.Spec(1)); // connected and silent
        await Task.Delay(TimeSpan.FromSeconds(3)); // the tiered JIT's background compiles and the plane's back-off settle

        var seconds = 5;
        var before = ProcFs.ContextSwitches(agent.Pid);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = ProcFs.ContextSwitches(agent.Pid);
        long wakeups = ProcFs.SwitchesBetween(before, after);
        output.WriteLine($"{wakeups} wake-ups in {seconds} s over {after.Count} threads");
        Assert.True(wakeups <= AllowedWakeupsPerSecond * seconds,
            $"the idle agent woke {wakeups} times in {seconds} s; busiest threads: " +
            string.Join(", ", after.Select(t => (t.Key, n: t.Value - before.GetValueOrDefault(t.Key))).OrderByDescending(t => t.n).Take(5)
                .Select(t => $"{ThreadName(agent.Pid, t.Key)} {t.n}")));
        Assert.Equal(0, ProcFs.InotifyWatches(agent.Pid));
    }

    private static string ThreadName(int pid, int tid)
    {
        try { return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").Trim(); }
        catch (IOException) { return tid.ToString(System.Globalization.CultureInfo.InvariantCulture); }
    }
}
