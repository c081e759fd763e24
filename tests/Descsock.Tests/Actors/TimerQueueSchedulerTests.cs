using Akka.Actor;
using Akka.TestKit.Xunit2;
using Descsock.Engine;
using Xunit.Abstractions;
namespace Descsock.Tests.Actors;

/// <summary>
/// The scheduler our actor systems run on (<see cref="DescsockEngine.DefaultConfig"/>): what
/// Akka asks of a scheduler (tell once, repeatedly, cancel, actions), on real time, and that a
/// task leaves nothing behind once it has run or been cancelled.
/// </summary>
public class TimerQueueSchedulerTests(ITestOutputHelper output) : TestKit(DescsockEngine.DefaultConfig, output: output)
{
    private TimerQueueScheduler Scheduler => (TimerQueueScheduler)Sys.Scheduler;

    [Fact]
    public void Our_default_config_selects_it()
    {
        Assert.IsType<TimerQueueScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void A_message_scheduled_once_arrives_after_its_delay_once_and_leaves_no_task_pending()
    {
        var start = Scheduler.MonotonicClock;
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200), TestActor, "due", ActorRefs.NoSender);
        ExpectMsg("due", TimeSpan.FromSeconds(5));
        Assert.True(Scheduler.MonotonicClock - start >= TimeSpan.FromMilliseconds(190), $"arrived after {Scheduler.MonotonicClock - start}");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        AwaitCondition(() => Scheduler.PendingCount == 0, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void A_cancelled_message_never_arrives_and_its_task_is_released()
    {
        var cancelable = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(300), TestActor, "cancelled", ActorRefs.NoSender);
        Assert.Equal(1, Scheduler.PendingCount);
        cancelable.Cancel();
        Assert.Equal(0, Scheduler.PendingCount);
        ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void A_repeated_message_keeps_coming_until_cancelled()
    {
        var cancelable = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(50), TestActor, "tick", ActorRefs.NoSender);
        for (int i = 0; i < 5; i++) ExpectMsg("tick", TimeSpan.FromSeconds(5));
        cancelable.Cancel();
        ReceiveWhile(TimeSpan.FromMilliseconds(200), m => m); // one may have been on its way
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, Scheduler.PendingCount);
    }

    [Fact]
    public void A_scheduled_action_runs_and_one_that_throws_keeps_its_repeat()
    {
        var ran = new SemaphoreSlim(0);
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => ran.Release());
        Assert.True(ran.Wait(TimeSpan.FromSeconds(5)));

        int calls = 0;
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.Advanced.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), () =>
        {
            if (Interlocked.Increment(ref calls) >= 3) ran.Release();
            throw new InvalidOperationException("a failing task");
        }, cancelable);
        Assert.True(ran.Wait(TimeSpan.FromSeconds(5)), $"the action ran {calls} times");
        cancelable.Cancel();
    }

    [Fact]
    public void Disposing_it_stops_every_pending_task_and_refuses_new_ones()
    {
        IScheduler scheduler = new TimerQueueScheduler(Sys.Settings.Config.GetConfig("akka.scheduler"), Sys.Log);
        var queue = (TimerQueueScheduler)scheduler;
        int fired = 0;
        scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(200), () => Interlocked.Increment(ref fired));
        scheduler.Advanced.ScheduleRepeatedly(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(50), () => Interlocked.Increment(ref fired));
        Assert.Equal(2, queue.PendingCount);
        queue.Dispose();
        Assert.Equal(0, queue.PendingCount);
        scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => Interlocked.Increment(ref fired));
        Thread.Sleep(500);
        Assert.Equal(0, Volatile.Read(ref fired));
        Assert.Equal(0, queue.PendingCount);
    }
}
