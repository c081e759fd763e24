namespace Descsock.Agent;

/// <summary>A validated piece of a received frame inside a tenant's mapped region (valid for one plane round).</summary>
public readonly unsafe struct Segment(byte* data, int length)
{
    /// <summary>First byte.</summary>
    public byte* Data { get; } = data;
    /// <summary>Bytes.</summary>
    public int Length { get; } = length;
}
