namespace Descsock.Host.Peers;

/// <summary>One periodic statistics block of testpmd and the <see cref="System.Diagnostics.Stopwatch"/> timestamp it arrived at.</summary>
public sealed record TestPmdSample(TestPmdStats Stats, long Timestamp);
