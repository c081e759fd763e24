namespace Descsock.Tests.Peers;

/// <summary>Tests that run testpmd go one at a time: each testpmd busy-polls a core of our two.</summary>
[CollectionDefinition("testpmd", DisableParallelization = true)]
public sealed class TestPmdCollection;
