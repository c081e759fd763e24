using System.Diagnostics;
using Akka.Actor;
namespace Descsock.Client.Internal;

/// <summary>
/// Drives one endpoint's rings on a pinned thread. Each <see cref="Sep.Pump"/> message runs a
/// slice of the duty cycle (up to about a millisecond of work, or until the pump has slept once and
/// then handled what woke it)
/// and then re-sends itself, so system messages (stop, restart) are seen between slices.
/// Restart semantics: the SEP actor owns only its <see cref="SepPump"/> (epoll set and wake fd),
/// which it disposes in PostStop; the region, rings and control connection belong to the
/// supervisor, so a restarted SEP actor simply resumes pumping the same rings.
/// </summary>
internal sealed class SepActor : ReceiveActor
{
    private static readonly long SliceTicks = Stopwatch.Frequency / 1000;
    private readonly TenantResources _resources;
    private readonly TenantEndpoint _endpoint;
    private SepPump? _pump;

    public SepActor(TenantResources resources, TenantEndpoint endpoint)
    {
        _resources = resources;
        _endpoint = endpoint;
        Receive<Sep.Pump>(_ => RunSlice());
        Receive<Sep.Fail>(m => throw new InvalidOperationException(m.Reason));
        Receive<Sep.WhereAreYou>(_ => Sender.Tell(new Sep.ThreadReport(
            Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread,
            Context.Props.Dispatcher, _pump?.Sleeps ?? 0)));
    }

    protected override void PreStart()
    {
        _pump = new SepPump(_resources, _endpoint.Readable, _endpoint.Writable);
        SepShutdownWake.Get(Context.System).Join(_pump);
        Self.Tell(Sep.Pump.Instance);
    }

    protected override void PostStop()
    {
        if (_pump is not null) SepShutdownWake.Get(Context.System).Leave(_pump);
        _pump?.Dispose();
        _pump = null;
    }

    private void RunSlice()
    {
        var pump = _pump!;
        long end = Stopwatch.GetTimestamp() + SliceTicks;
        long sleepsBefore = pump.Sleeps;
        for (int round = 0; ; round++)
        {
            int work = pump.DoWork();
            if (work < 0)
            {
                Context.Parent.Tell(new Sep.ProtocolViolation("the agent's M2S tail moved past the buffers we posted"));
                Become(Halted);
                return;
            }
            if (work > 0) pump.Worked();
            else if (pump.Sleeps != sleepsBefore) break; // slept, then did what woke us: give the mailbox a turn
            else pump.Idle();
            if ((round & 63) == 63 && Stopwatch.GetTimestamp() > end) break;
        }
        Self.Tell(Sep.Pump.Instance);
    }

    /// <summary>After a protocol violation: answers queries, pumps nothing, waits to be stopped.</summary>
    private void Halted()
    {
        Receive<Sep.Pump>(_ => { });
        Receive<Sep.WhereAreYou>(_ => Sender.Tell(new Sep.ThreadReport(
            Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread,
            Context.Props.Dispatcher, 0)));
    }
}
