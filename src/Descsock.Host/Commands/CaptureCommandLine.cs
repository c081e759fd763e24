using System.CommandLine;
using Descsock.Host.Capture;
namespace Descsock.Host.Commands;

/// <summary><c>descsock capture</c>: a tenant that records what the agent delivers into a pcap file.</summary>
internal static class CaptureCommandLine
{
    public static Command Create()
    {
        var tenant = new TenantOptions();
        var write = CliOptions.Text("--write",
            "The pcap file to write (replaced if it exists), readable by tcpdump -r and tshark -r; frames are stored without their 4 CRC bytes.",
            "FILE", "-w");
        write.Required = true;
        write.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is "") result.AddError("option --write: the file name is empty");
        });
        var count = CliOptions.Integer<long>("--count", "Stop after N frames. Default: no limit.", 1, long.MaxValue);
        var seconds = CliOptions.Seconds("--seconds", "Stop after S seconds (fractions allowed). Default: no limit.");

        var command = new Command("capture",
            "Registers as the tenant of a service and writes every frame the agent delivers to it — what a switch group " +
            "floods or sends to this port, what the kernel sends out of a tap service's interface — to a pcap file. " +
            "Stops after --count frames, after --seconds, or on Ctrl+C, and exits 0 with the file complete; " +
            "3 if the agent cannot be reached or refuses.");
        tenant.AddTo(command);
        command.Options.Add(write);
        command.Options.Add(count);
        command.Options.Add(seconds);
        command.SetAction(async (result, cancel) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var spec = tenant.Spec(result);
            string path = result.GetRequiredValue(write);
            long frames = result.GetValue(count);
            double limit = result.GetValue(seconds);
            // Ctrl+C (or SIGTERM) is one of capture's ordinary ends: the file is flushed and the run succeeds.
            using var signals = new StopSignals(cancel);
            using var deadline = limit > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(limit)) : new CancellationTokenSource();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Token, deadline.Token);
            await using var socket = await DescsockSocket.OpenAsync(spec, cancellationToken: signals.Token);
            using var pcap = new PcapWriter(File.Create(path));
            stdout.WriteLine($"capture: svc_id {spec.SvcId} on {spec.MasterSocketPath} → {path}" +
                             (frames > 0 ? $", {frames} frames" : "") + (limit > 0 ? $", {limit} s" : "") + "; Ctrl+C to stop");
            long written = await Capturer.RunAsync(socket, pcap, frames, stop.Token);
            stdout.WriteLine($"capture: {written} frames written to {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
