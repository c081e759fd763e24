using Akka.Actor;
using Akka.Hosting;
using Descsock.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
namespace Descsock.Examples.ActorTenant;

/// <summary>Builds the sample's host: options bound from configuration, the tenant through WithDescsock, the pinger actor.</summary>
public static class ActorTenantHost
{
    /// <summary>Marker for the pinger in the actor registry.</summary>
    public sealed class Pinger;

    /// <summary>The host; <paramref name="done"/> (tests) hears when every frame came back.</summary>
    public static IHost Build(string[] args, Action<long>? done = null, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddOptions<DescsockOptions>().Bind(builder.Configuration.GetSection("Descsock"));
        int batches = builder.Configuration.GetValue("Pinger:Batches", 100), batchSize = builder.Configuration.GetValue("Pinger:BatchSize", 32),
            window = builder.Configuration.GetValue("Pinger:Window", BatchPingActor.DefaultWindow);
        BatchPingActor.CheckWindow(window, batchSize); // a configuration error fails the build, not the actor later
        builder.Services.AddAkka("actor-tenant", (akka, services) =>
        {
            akka.WithDescsock(services.GetRequiredService<IOptions<DescsockOptions>>().Value);
            akka.WithActors((system, registry) =>
            {
                var client = registry.Get<DescsockClient>();
                registry.Register<Pinger>(system.ActorOf(Props.Create(() => new BatchPingActor(client, batches, batchSize, done, window)), "pinger"));
            });
        });
        return builder.Build();
    }
}
