using System.CommandLine;
using Descsock.Host.Ping;
using Descsock.Wire;
namespace Descsock.Host.Commands;

/// <summary><c>descsock ping</c>: the demo tenant against an echo service.</summary>
internal static class PingCommandLine
{
    /// <summary>Largest frame ping sends, CRC included: the library's largest (9216) plus the CRC.</summary>
    private const int LargestFrame = 9216 + 4;

    public static Command Create()
    {
        var tenant = new TenantOptions();
        var count = CliOptions.Integer<long>("--count", "Frames to send; each must come back before the run succeeds.", 1, long.MaxValue);
        count.DefaultValueFactory = _ => 100_000;
        var minSize = CliOptions.Integer("--min-size",
            $"Smallest frame in bytes, the 4 CRC bytes included, {FramePattern.MinFrame} to {LargestFrame} (the self-check needs {FramePattern.MinFrame}). Sizes are random between --min-size and --max-size.",
            FramePattern.MinFrame, LargestFrame);
        minSize.DefaultValueFactory = _ => FramePattern.MinFrame;
        var maxSize = CliOptions.Integer("--max-size",
            $"Largest frame in bytes, the 4 CRC bytes included, {FramePattern.MinFrame} to {LargestFrame} (over 2048, frames are chained across buffers).",
            FramePattern.MinFrame, LargestFrame);
        maxSize.DefaultValueFactory = _ => 1518 + 4;
        var ringLog2 = CliOptions.Integer("--ring-log2",
            $"log2 of the ring size, {RingLayout.MinLog2Size} to {RingLayout.MaxLog2Size} (10 = 1024 descriptors); the agent may lower it. At most half the ring's descriptors are in flight.",
            RingLayout.MinLog2Size, RingLayout.MaxLog2Size);
        ringLog2.DefaultValueFactory = _ => 10;

        var command = new Command("ping",
            "Opens a tenant connection to the agent, sends self-checking frames of random sizes and checks that an echoing " +
            "service returns every one intact and in order. Prints progress and a summary. Exits 0 if every frame came back, " +
            "1 if any was lost, damaged or out of order, 3 if the agent cannot be reached or refuses, 130 on Ctrl+C and 143 on SIGTERM (after the summary).");
        tenant.AddTo(command);
        command.Options.Add(count);
        command.Options.Add(minSize);
        command.Options.Add(maxSize);
        command.Options.Add(ringLog2);
        command.SetAction(async (result, cancel) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            int min = result.GetValue(minSize), max = result.GetValue(maxSize), log2 = result.GetValue(ringLog2);
            if (min > max) throw new ArgumentException($"--min-size {min} is larger than --max-size {max}");
            var spec = tenant.Spec(result) with
            {
                RingSizeLog2 = log2,
                // Ping never sends or expects more: a small ring need not hold a chained 9216-byte frame.
                MaxFrameSize = max - 4,
            };
            int buffersPerFrame = (spec.MaxFrameSize + spec.BufferSize - 1) / spec.BufferSize;
            if (buffersPerFrame > 1 << log2)
                throw new ArgumentException($"a {max}-byte frame (--max-size) takes {buffersPerFrame} buffers, more than a ring of 2^{log2} (--ring-log2) holds");
            var options = new PingOptions
            {
                Spec = spec,
                Count = result.GetValue(count),
                MinSize = min,
                MaxSize = max,
                Progress = stdout,
            };
            // The echo must never overrun our receive ring, or the check reports loss that is ours:
            // at most half the ring's descriptors in flight, counting a chained frame as all of its buffers.
            options = options with { Window = Math.Min(options.Window, Math.Max(1, (1 << log2) / 2 / buffersPerFrame)) };
            using var signals = new StopSignals(cancel);
            await using var socket = await DescsockSocket.OpenAsync(spec, cancellationToken: signals.Token);
            stdout.WriteLine($"connected to agent '{socket.AgentName}' at {spec.MasterSocketPath} as svc_id {spec.SvcId}; " +
                             $"shared memory: {(string.IsNullOrEmpty(spec.DmaShmemPath) ? "sealed memfd" : spec.DmaShmemPath)}");
            var outcome = Pinger.Run(socket, options, signals.Token);
            stdout.WriteLine($"ping: {outcome}");
            if (signals.Received)
            {
                stdout.WriteLine("ping: interrupted");
                return signals.ExitCode;
            }
            stdout.WriteLine(outcome.Success ? "ping: OK — every frame came back intact and in order" : "ping: FAILED");
            return outcome.Success ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
