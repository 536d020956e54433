using EdgeMail.Pop3.Protocol;

namespace EdgeMail.Pop3.Tests.Protocol;

public sealed class UniqueIdTests
{
    [Theory]
    [InlineData(1u, 1u, "0000000100000001")]
    [InlineData(0x5F3A1B2Cu, 42u, "0000002A5F3A1B2C")]
    [InlineData(uint.MaxValue, uint.MaxValue, "FFFFFFFFFFFFFFFF")]
    public void Unique_id_is_uid_then_uidvalidity_in_hex(uint uidValidity, uint uid, string expected)
    {
        var id = UniqueId.For(uidValidity, uid);
        Assert.Equal(expected, id);

        // RFC 1939 §7: 1 to 70 characters in 0x21..0x7E.
        Assert.InRange(id.Length, 1, 70);
        Assert.All(id, c => Assert.InRange(c, '\x21', '\x7E'));
    }
}
