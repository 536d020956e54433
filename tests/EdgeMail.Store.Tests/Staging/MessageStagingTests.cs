using System.Text;
using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests.Staging;

/// <summary>
/// The staging stream the protocols write a message into once: whatever the sizes of the writes, the stored body is
/// the message with every bare LF given its CR, inline up to InlineBodyMaxBytes and in its own file beyond, and
/// nothing is left in the temporary folder.
/// </summary>
public sealed class MessageStagingTests
{
    private const int Inline = 1024;

    public static TheoryData<int, int> SizesAndWrites() => new()
    {
        { 0, 1 }, { 10, 1 }, { Inline - 1, 7 }, { Inline, 1 }, { Inline, 4096 }, { Inline + 1, 3 }, { Inline + 1, 4096 },
        { 5000, 1 }, { 5000, 13 }, { 70_000, 4096 }, { 70_000, 65_536 },
    };

    [Theory]
    [MemberData(nameof(SizesAndWrites))]
    public async Task The_stored_body_is_the_message_with_crlf_line_ends(int size, int writeSize)
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.InlineBodyMaxBytes = Inline);
        var written = Message(size);
        var expected = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(written).Replace("\r\n", "\n").Replace("\n", "\r\n"));

        await using var staging = h.Store.CreateStaging();
        for (var offset = 0; offset < written.Length; offset += writeSize)
        {
            await staging.WriteAsync(written.AsMemory(offset, Math.Min(writeSize, written.Length - offset)));
        }

        Assert.Equal(expected.Length, staging.Written);
        var result = await h.Store.AppendAsync(h.InboxId, new AppendRequest(staging));

        Assert.Equal(expected.Length, result.Size);
        var record = (await h.Store.GetMessageAsync(h.InboxId, result.Uid))!;
        await using (var body = await h.Store.OpenBodyAsync(record.BodyId))
        {
            var stored = new MemoryStream();
            await body.CopyToAsync(stored);
            Assert.Equal(expected, stored.ToArray());
        }

        var summary = await h.Store.GetSummaryAsync(record.BodyId);
        var unterminated = expected.Length > 0 && expected[^1] != (byte)'\n';
        Assert.Equal(expected.Length + (unterminated ? 2 : 0), summary.CrlfLength);
        Assert.Equal(expected.Length > Inline ? 1 : 0, Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(h.Path, "tmp")));
    }

    [Fact]
    public async Task A_lf_written_apart_from_its_cr_stays_one_line_end()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.InlineBodyMaxBytes = Inline);
        await using var staging = h.Store.CreateStaging();
        foreach (var part in new[] { "Subject: a\r", "\n\r", "\nbody\r", "\n" })
        {
            staging.Write(Encoding.ASCII.GetBytes(part));
        }

        var result = await h.Store.AppendAsync(h.InboxId, new AppendRequest(staging));

        Assert.Equal("Subject: a\r\n\r\nbody\r\n".Length, result.Size);
    }

    [Fact]
    public async Task A_message_past_the_limit_is_refused_and_leaves_nothing()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.InlineBodyMaxBytes = Inline);
        await using var staging = h.Store.CreateStaging(maxBytes: 3000);
        await staging.WriteAsync(Message(2900));
        Assert.False(staging.TooLarge);
        await staging.WriteAsync(Message(200));

        Assert.True(staging.TooLarge);
        Assert.Empty(Directory.GetFiles(Path.Combine(h.Path, "tmp")));
        var error = await Assert.ThrowsAsync<StoreException>(() => h.Store.AppendAsync(h.InboxId, new AppendRequest(staging)));
        Assert.Equal(StoreError.TooLarge, error.Error);
        Assert.Equal(0, (await h.Store.GetStatusAsync(h.InboxId)).Messages);
    }

    [Fact]
    public async Task A_staging_disposed_unadopted_removes_its_file()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.InlineBodyMaxBytes = Inline);
        var staging = h.Store.CreateStaging();
        await staging.WriteAsync(Message(5000));
        Assert.Single(Directory.GetFiles(Path.Combine(h.Path, "tmp")));

        await staging.DisposeAsync();

        Assert.Empty(Directory.GetFiles(Path.Combine(h.Path, "tmp")));
    }

    /// <summary>Header and body lines, some ended by CRLF and some by a bare LF, the last one without an end.</summary>
    private static byte[] Message(int size)
    {
        var text = new StringBuilder("Subject: staging\r\n\n");
        for (var line = 0; text.Length < size; line++)
        {
            text.Append(line % 3 == 0 ? "bare line\n" : "a line of the message body\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString()[..size]);
    }
}
