using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Store.Tests.Mailboxes;

public sealed class MailboxNameTests
{
    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("%")]
    [InlineData("a%b")]
    [InlineData("a*b")]
    [InlineData("a\0b")]
    [InlineData("a\tb")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a\uD800b")]
    [InlineData("a\uDC00")]
    public void TryNormalize_rejects_invalid_names(string name)
    {
        Assert.False(MailboxName.TryNormalize(name, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        var ex = Assert.Throws<StoreException>(() => MailboxName.Normalize(name));
        Assert.Equal(StoreError.InvalidName, ex.Error);
    }

    [Fact]
    public void TryNormalize_rejects_null()
    {
        Assert.False(MailboxName.TryNormalize(null, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryNormalize_rejects_a_component_over_255_bytes_and_accepts_255()
    {
        Assert.True(MailboxName.TryNormalize(new string('a', 255), out _, out _));
        Assert.False(MailboxName.TryNormalize(new string('a', 256), out _, out _));
        // 128 two-byte characters = 256 bytes.
        Assert.False(MailboxName.TryNormalize(new string('é', 128), out _, out _));
    }

    [Fact]
    public void TryNormalize_rejects_nesting_deeper_than_the_limit()
    {
        var ok = string.Join('/', Enumerable.Repeat("a", MailboxName.MaxDepth));
        var tooDeep = string.Join('/', Enumerable.Repeat("a", MailboxName.MaxDepth + 1));
        Assert.True(MailboxName.TryNormalize(ok, out _, out _));
        Assert.False(MailboxName.TryNormalize(tooDeep, out _, out _));
    }

    [Theory]
    [InlineData("Work/Projects", "Work/Projects")]
    [InlineData("Ünïcødé", "Ünïcødé")]
    [InlineData("inbox", "INBOX")]
    [InlineData("InBoX", "INBOX")]
    [InlineData("inbox/Sub", "INBOX/Sub")]
    [InlineData("Work/inbox", "Work/inbox")]
    [InlineData("inboxes", "inboxes")]
    [InlineData("a.b/.hidden", "a.b/.hidden")]
    [InlineData("台北/日本語", "台北/日本語")]
    [InlineData("emoji 😀", "emoji 😀")]
    public void TryNormalize_accepts_valid_names_and_canonicalizes_inbox(string name, string expected)
    {
        Assert.True(MailboxName.TryNormalize(name, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Fact]
    public void Parent_and_IsDescendant_follow_the_hierarchy()
    {
        Assert.Null(MailboxName.Parent("Work"));
        Assert.Equal("Work", MailboxName.Parent("Work/Projects"));
        Assert.True(MailboxName.IsDescendant("Work/Projects", "Work"));
        Assert.False(MailboxName.IsDescendant("Workshop", "Work"));
        Assert.False(MailboxName.IsDescendant("Work", "Work"));
    }
}

public sealed class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語")]
    [InlineData("&-", "&")]
    [InlineData("Tom &- Jerry", "Tom & Jerry")]
    [InlineData("INBOX", "INBOX")]
    [InlineData("", "")]
    public void Decode_and_encode_round_trip_rfc3501_examples(string encoded, string text)
    {
        Assert.True(ModifiedUtf7.TryDecode(encoded, out var decoded));
        Assert.Equal(text, decoded);
        Assert.Equal(encoded, ModifiedUtf7.Encode(text));
    }

    [Theory]
    [InlineData("Ünïcødé")]
    [InlineData("emoji 😀 & more")]
    [InlineData("日本語")]
    [InlineData("a\u00e9b\u00e9\u00e9c")]
    public void Encode_then_decode_returns_the_original(string text)
    {
        var encoded = ModifiedUtf7.Encode(text);
        Assert.All(encoded, c => Assert.InRange(c, (char)0x20, (char)0x7E));
        Assert.True(ModifiedUtf7.TryDecode(encoded, out var decoded));
        Assert.Equal(text, decoded);
    }

    [Theory]
    [InlineData("&U,BTFw")]          // unterminated
    [InlineData("&AGE-")]            // encodes printable ASCII 'a'
    [InlineData("&U,BTFw-&ZeVnLIqe-")] // two adjacent encoded runs
    [InlineData("&U/BTFw-")]         // '/' is not in the modified base64 alphabet
    [InlineData("&2D0-")]            // lone high surrogate
    [InlineData("caf\u00e9")]        // raw 8-bit character
    [InlineData("a\tb")]             // control character
    public void TryDecode_rejects_malformed_input(string encoded)
    {
        Assert.False(ModifiedUtf7.TryDecode(encoded, out var decoded));
        Assert.Equal(string.Empty, decoded);
    }
}
