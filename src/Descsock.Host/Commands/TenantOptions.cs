using System.CommandLine;
namespace Descsock.Host.Commands;

/// <summary>The options of a command that registers with the agent as a tenant (ping, capture).</summary>
internal sealed class TenantOptions
{
    public Option<string> Socket { get; } = CliOptions.Path("--socket",
        "The agent's master socket: a file path, or @name for an abstract socket.", required: true);

    public Option<long> SvcId { get; } = Required(CliOptions.Integer<long>("--svc-id",
        "The service id to register as (the memif interface id), 0 to 4294967295; the agent's configuration says what the service does.",
        0, uint.MaxValue));

    public Option<string> Shm { get; } = CliOptions.Path("--shm",
        "dma_shmem_path: the shared-memory file to create (e.g. on /dev/shm or a hugetlbfs mount); removed on exit. Default: an anonymous sealed memfd.");

    public Option<string> Secret { get; } = CliOptions.Secret();

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Socket);
        command.Options.Add(SvcId);
        command.Options.Add(Shm);
        command.Options.Add(Secret);
    }

    /// <summary>The tenant's spec from a parsed command line.</summary>
    public DescsockClientSpec Spec(ParseResult result) => new()
    {
        MasterSocketPath = result.GetRequiredValue(Socket),
        SvcId = result.GetValue(SvcId),
        DmaShmemPath = result.GetValue(Shm),
        Secret = result.GetValue(Secret),
    };

    private static Option<T> Required<T>(Option<T> option)
    {
        option.Required = true;
        return option;
    }
}
