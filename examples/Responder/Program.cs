using System.Net;
using Descsock;
using Descsock.Examples.Responder;

// descsock-responder --socket PATH --svc-id N --ip A.B.C.D [--mac 02:00:00:00:00:01] [--shm PATH]
// Registers with the agent and answers ARP and ping for --ip until Ctrl+C / SIGTERM.
var options = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
if (!options.TryGetValue("--socket", out var socketPath) || !options.TryGetValue("--svc-id", out var svcId)
    || !options.TryGetValue("--ip", out var ipText) || !IPAddress.TryParse(ipText, out var ip) || args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: descsock-responder --socket PATH --svc-id N --ip A.B.C.D [--mac XX:XX:XX:XX:XX:XX] [--shm PATH]");
    return 2;
}
byte[] mac = Convert.FromHexString(options.GetValueOrDefault("--mac", "02:00:00:00:00:01").Replace(":", "", StringComparison.Ordinal));
var responder = new ArpIcmpResponder(ip, mac);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await using var socket = await DescsockSocket.OpenAsync(new DescsockClientSpec
    {
        MasterSocketPath = socketPath,
        SvcId = long.Parse(svcId, System.Globalization.CultureInfo.InvariantCulture),
        DmaShmemPath = options.GetValueOrDefault("--shm"),
    });
    Console.WriteLine($"responder: {ip} at {Convert.ToHexString(mac)} on svc_id {svcId}; Ctrl+C to stop");
    await ResponderLoop.RunAsync(socket, responder, stop.Token);
}
catch (DescsockException e)
{
    Console.Error.WriteLine($"responder: {e.Message}");
    return 3;
}
Console.WriteLine($"responder: {responder.ArpReplies} ARP replies, {responder.EchoReplies} echo replies, {responder.Ignored} frames ignored");
return 0;
