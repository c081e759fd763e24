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

    /// <summary>
    /// The plane's adaptive poll window (<see cref="AgentSettings.IdleSpinMax"/>): frames that keep
    /// coming every few ms, each soon after the plane slept, widen the window until the plane stops
    /// sleeping between them; with a fixed 1 ms window every such frame wakes it from its sleep.
    /// Counted as the agent's voluntary context switches (a spinning thread gives up its CPU only
    /// when preempted, which is involuntary), not timed.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Frames_a_few_ms_apart_keep_the_adaptive_plane_awake_and_wake_a_fixed_window_each_time(bool adaptive)
    {
        var settings = new Dictionary<string, object> { ["StatsInterval"] = "00:00:00" };
        if (!adaptive) settings["IdleSpinMax"] = settings["IdleSpinMin"] = "00:00:00.001";
        await using var agent = await AgentProcess.StartAsync([new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo }], settings: settings);
        using var tenant = DescsockSocket.Open(agent.Spec(1));
        var frame = new byte[64];
        var buffer = new byte[tenant.MaxFrameLength];
        void Paced(int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                Thread.Sleep(3); // longer than the 1 ms floor of the window, shorter than its 10 ms ceiling
                tenant.Send(frame);
                Assert.True(tenant.Recv(buffer) >= frame.Length);
            }
        }
        Paced(50); // the window doubles once per frame that found the plane asleep

        const int frames = 300;
        var before = ProcFs.ContextSwitches(agent.Pid, voluntaryOnly: true);
        Paced(frames);
        long sleeps = ProcFs.SwitchesBetween(before, ProcFs.ContextSwitches(agent.Pid, voluntaryOnly: true));
        output.WriteLine($"{(adaptive ? "adaptive" : "fixed 1 ms")} window: {sleeps} voluntary switches over {frames} frames 3 ms apart");
        if (adaptive) Assert.True(sleeps < frames / 4, $"the plane slept {sleeps} times over {frames} frames 3 ms apart: its window did not widen");
        else Assert.True(sleeps >= frames / 2, $"a fixed 1 ms window should sleep between frames 3 ms apart: {sleeps} switches over {frames}");
    }

    private static string ThreadName(int pid, int tid)
    {
        try { return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").Trim(); }
        catch (IOException) { return tid.ToString(System.Globalization.CultureInfo.InvariantCulture); }
    }
}
