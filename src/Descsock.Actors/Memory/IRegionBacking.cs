using Descsock.Native;
namespace Descsock.Memory;

/// <summary>
/// The file behind memif region 0: what the tenant maps and hands to the agent with ADD_REGION.
/// Kept behind this small abstraction so the seed's <c>dma_shmem_path</c> file and a sealed
/// memfd (which strict agents require, security rule 5) are interchangeable.
/// </summary>
public interface IRegionBacking : IDisposable
{
    /// <summary>The descriptor sent to the agent.</summary>
    FileDescriptor Descriptor { get; }

    /// <summary>The file's size: the region size declared in ADD_REGION and mapped.</summary>
    long Size { get; }

    /// <summary>True when the file is sealed against shrinking (F_SEAL_SHRINK).</summary>
    bool IsSealed { get; }

    /// <summary>Where it lives, for messages.</summary>
    string Description { get; }
}
