namespace Descsock.Host.Peers;

/// <summary>How to run dpdk-testpmd as a memif peer (memif-notes §6.1).</summary>
public sealed record TestPmdOptions
{
    public string Role { get; init; } = "server";
    public required string SocketPath { get; init; }
    public int Id { get; init; }
    public string ForwardMode { get; init; } = "io";
    public string? Secret { get; init; }
    public string? TxPackets { get; init; }
    /// <summary>CPU both testpmd lcores are pinned to; the forwarding lcore busy-polls it.</summary>
    public int Cpu { get; init; } = 1;
    /// <summary>More testpmd application arguments (after <c>--</c>), e.g. <c>--tx-first</c>.</summary>
    public string? ExtraArgs { get; init; }
    /// <summary>
    /// Interactive mode (<c>-i</c>): forwarding waits for <see cref="TestPmd.StartForwardingAsync"/>
    /// and no periodic stats are printed; "start" keeps what is already queued (<c>--no-flush-rx</c>,
    /// else it drops the frames a peer sent first). For tests that disconnect from a testpmd they keep
    /// using: stop its forwarding first (see <see cref="TestPmd.StopForwardingAsync"/>).
    /// </summary>
    public bool Interactive { get; init; }

    public string Arguments(string filePrefix)
    {
        var vdev = $"net_memif0,role={Role},socket={SocketPath},id={Id},socket-abstract=no" + (Secret is null ? "" : $",secret={Secret}");
        return $"--no-huge -m 1024 --no-pci --file-prefix={filePrefix} --lcores=0@{Cpu},1@{Cpu} --vdev={vdev} " +
               $"-- --total-num-mbufs=16384 --no-mlockall --forward-mode={ForwardMode} " + (Interactive ? "-i --no-flush-rx" : "--stats-period 1") +
               (TxPackets is null ? "" : $" --txpkts={TxPackets}") + (ExtraArgs is null ? "" : " " + ExtraArgs);
    }
}
