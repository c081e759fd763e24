using Descsock.Examples.ActorTenant;
using Microsoft.Extensions.Hosting;

// dotnet run --project examples/ActorTenant -- --Descsock:MasterSocketPath=/tmp/agent.sock --Descsock:SvcId=0
// Registers with the agent (host start fails with the errno if it refuses), pings through the
// client actor in batches, and runs until Ctrl+C; stopping the host releases everything.
using var host = ActorTenantHost.Build(args);
await host.RunAsync();
