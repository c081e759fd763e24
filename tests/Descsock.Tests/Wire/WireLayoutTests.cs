using System.Runtime.InteropServices;
using Descsock.Wire;
namespace Descsock.Tests.Wire;

public class WireLayoutTests
{
    [Fact]
    public void Init_is_encoded_at_the_offsets_dpdk_uses()
    {
        var m = new byte[128];
        MemifCodec.Write(new InitMessage(0x0200, 0x11223344, 0, MemifSecret.FromString("abc"), "x"), m);
        Assert.Equal(new byte[] { 0x03, 0x00, 0x00, 0x02, 0x44, 0x33, 0x22, 0x11, 0x00, 0x61, 0x62, 0x63, 0x00 }, m[..13]);
        Assert.Equal((byte)'x', m[33]);
        Assert.All(m[34..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Hello_fields_sit_at_their_absolute_offsets()
    {
        var m = new byte[128];
        MemifCodec.Write(new HelloMessage("DPDK", 0x0200, 0x0201, 255, 254, 253, 14), m);
        Assert.Equal(new byte[] { 2, 0 }, m[..2]);
        Assert.Equal((byte)'D', m[2]);
        Assert.Equal(new byte[] { 0x00, 0x02, 0x01, 0x02, 0xFF, 0x00, 0xFE, 0x00, 0xFD, 0x00, 14 }, m[34..45]);
    }

    [Fact]
    public void Add_region_and_add_ring_pin_every_field()
    {
        var m = new byte[128];
        MemifCodec.Write(new AddRegionMessage(3, 0x0102030405060708), m);
        Assert.Equal(new byte[] { 4, 0, 3, 0, 8, 7, 6, 5, 4, 3, 2, 1 }, m[..12]);
        MemifCodec.Write(new AddRingMessage(1, 2, 3, 0x00004080, 10, 0x0506), m);
        Assert.Equal(new byte[] { 5, 0, 1, 0, 2, 0, 3, 0, 0x80, 0x40, 0, 0, 10, 0x06, 0x05 }, m[..15]);
    }

    [Fact]
    public void Disconnect_reason_starts_at_byte_6_and_is_NUL_terminated_within_96_bytes()
    {
        var m = new byte[128];
        MemifCodec.Write(new DisconnectMessage(7, new string('r', 200)), m);
        Assert.Equal(new byte[] { 8, 0, 7, 0, 0, 0, (byte)'r' }, m[..7]);
        Assert.Equal((byte)'r', m[6 + 94]);
        Assert.Equal(0, m[6 + 95]);
        Assert.True(MemifCodec.TryRead(m, out DisconnectMessage d));
        Assert.Equal(95, d.Reason.Length);
    }

    [Fact]
    public void Every_message_round_trips()
    {
        var m = new byte[128];
        var hello = new HelloMessage("agent", 0x200, 0x200, 255, 255, 255, 14);
        MemifCodec.Write(hello, m); Assert.True(MemifCodec.TryRead(m, out HelloMessage h)); Assert.Equal(hello, h);
        var init = new InitMessage(0x200, 42, 0, MemifSecret.FromString("s3cret"), "tenant");
        MemifCodec.Write(init, m); Assert.True(MemifCodec.TryRead(m, out InitMessage i));
        Assert.Equal((init.Id, init.Name), (i.Id, i.Name)); Assert.True(i.Secret.EqualsConstantTime(init.Secret));
        var region = new AddRegionMessage(0, 4227328);
        MemifCodec.Write(region, m); Assert.True(MemifCodec.TryRead(m, out AddRegionMessage r)); Assert.Equal(region, r);
        var ring = new AddRingMessage(1, 0, 0, 16512, 10, 0);
        MemifCodec.Write(ring, m); Assert.True(MemifCodec.TryRead(m, out AddRingMessage g)); Assert.Equal(ring, g); Assert.True(g.IsS2M);
        MemifCodec.Write(new ConnectMessage("net"), m); Assert.True(MemifCodec.TryRead(m, out ConnectMessage c)); Assert.Equal("net", c.InterfaceName);
        MemifCodec.Write(new ConnectedMessage("net"), m); Assert.True(MemifCodec.TryRead(m, out ConnectedMessage cd)); Assert.Equal("net", cd.InterfaceName);
        MemifCodec.WriteAck(m); Assert.Equal(MemifMessageType.Ack, MemifCodec.PeekType(m));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(129)]
    [InlineData(0)]
    public void Decoders_reject_any_length_but_128(int length)
    {
        var m = new byte[Math.Max(length, 128)];
        MemifCodec.Write(new ConnectMessage("x"), m);
        Assert.False(MemifCodec.TryRead(m.AsSpan(0, length), out ConnectMessage _));
        Assert.False(MemifCodec.TryRead(m.AsSpan(0, 128), out ConnectedMessage _)); // wrong type
    }

    [Fact]
    public void Hostile_string_fields_decode_without_a_NUL_and_without_throwing()
    {
        var m = new byte[128];
        m[0] = 7;
        m.AsSpan(2, 32).Fill((byte)'A');
        m[5] = 0xFF;
        Assert.True(MemifCodec.TryRead(m, out ConnectedMessage c));
        Assert.Equal(32, c.InterfaceName.Length);
        Assert.Equal('?', c.InterfaceName[3]);
    }

    [Fact]
    public void Ten_thousand_random_messages_never_make_a_decoder_throw()
    {
        var rng = new Random(7);
        var m = new byte[128];
        for (int n = 0; n < 10_000; n++)
        {
            rng.NextBytes(m);
            m[0] = (byte)(n % 10);
            m[1] = 0;
            MemifCodec.TryRead(m, out HelloMessage _); MemifCodec.TryRead(m, out InitMessage _);
            MemifCodec.TryRead(m, out AddRegionMessage _); MemifCodec.TryRead(m, out AddRingMessage _);
            MemifCodec.TryRead(m, out ConnectMessage _); MemifCodec.TryRead(m, out ConnectedMessage _);
            MemifCodec.TryRead(m, out DisconnectMessage _);
        }
    }

    [Fact]
    public void Ring_header_and_descriptor_layout_match_dpdk()
    {
        Assert.Equal(16, Marshal.SizeOf<RingDescriptor>());
        Assert.Equal(DescriptorLayout.FlagsOffset, (int)Marshal.OffsetOf<RingDescriptor>(nameof(RingDescriptor.Flags)));
        Assert.Equal(DescriptorLayout.RegionOffset, (int)Marshal.OffsetOf<RingDescriptor>(nameof(RingDescriptor.Region)));
        Assert.Equal(DescriptorLayout.LengthOffset, (int)Marshal.OffsetOf<RingDescriptor>(nameof(RingDescriptor.Length)));
        Assert.Equal(DescriptorLayout.OffsetOffset, (int)Marshal.OffsetOf<RingDescriptor>(nameof(RingDescriptor.Offset)));
        Assert.Equal(DescriptorLayout.MetadataOffset, (int)Marshal.OffsetOf<RingDescriptor>(nameof(RingDescriptor.Metadata)));
        Assert.Equal(16512, RingLayout.RingBytes(10));
        Assert.Equal((6, 64, 128), (RingLayout.HeadOffset, RingLayout.TailOffset, RingLayout.HeaderSize));
    }

    [Fact]
    public void A_descriptor_written_in_one_store_has_every_field_where_dpdk_reads_it()
    {
        var d = new RingDescriptor { Flags = 0xFFFF, Region = 0xFFFF, Length = 0xFFFFFFFF, Offset = 0xFFFFFFFF, Metadata = 0xFFFFFFFF };
        RingDescriptor.Write(ref d, DescriptorLayout.FlagNext, 0x01020304, 0x0A0B0C0D);
        Assert.Equal((DescriptorLayout.FlagNext, (ushort)0, 0x01020304u, 0x0A0B0C0Du, 0u), (d.Flags, d.Region, d.Length, d.Offset, d.Metadata));
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<RingDescriptor>(ref d));
        Assert.Equal(new byte[] { (byte)DescriptorLayout.FlagNext, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0x0D, 0x0C, 0x0B, 0x0A, 0, 0, 0, 0 }, bytes.ToArray());
    }

    [Fact]
    public void A_descriptor_written_only_if_changed_gets_every_field_when_any_differs()
    {
        var d = new RingDescriptor { Flags = 0, Region = 0, Length = 60, Offset = 4096, Metadata = 7 };
        RingDescriptor.WriteIfChanged(ref d, 0, 60, 4096); // only the metadata differs
        Assert.Equal(((ushort)0, (ushort)0, 60u, 4096u, 0u), (d.Flags, d.Region, d.Length, d.Offset, d.Metadata));
        d.Region = 3;
        RingDescriptor.WriteIfChanged(ref d, DescriptorLayout.FlagNext, 2048, 8192);
        Assert.Equal((DescriptorLayout.FlagNext, (ushort)0, 2048u, 8192u, 0u), (d.Flags, d.Region, d.Length, d.Offset, d.Metadata));
    }

    [Fact]
    public unsafe void A_descriptor_that_already_holds_the_value_is_not_stored_to()
    {
        using var page = new ReadOnlyPage();
        ref RingDescriptor d = ref *(RingDescriptor*)(page.Base + 64);
        RingDescriptor.Write(ref d, 0, 60, 4096);
        page.Seal(); // a store now would end the test process with SIGSEGV
        RingDescriptor.WriteIfChanged(ref d, 0, 60, 4096);
        Assert.Equal((60u, 4096u), (d.Length, d.Offset));
    }

    [Fact]
    public void Secrets_compare_in_full_and_never_print()
    {
        var a = MemifSecret.FromString("abc");
        Assert.True(a.EqualsConstantTime(MemifSecret.FromString("abc")));
        Assert.False(a.EqualsConstantTime(MemifSecret.FromString("abd")));
        Assert.False(a.EqualsConstantTime(MemifSecret.None));
        Assert.DoesNotContain("abc", a.ToString());
        Assert.Throws<ArgumentException>(() => MemifSecret.FromString(new string('x', 24)));
    }
}
