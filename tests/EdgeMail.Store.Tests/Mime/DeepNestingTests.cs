using System.Text;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;

namespace EdgeMail.Store.Tests.Mime;

/// <summary>
/// Mail is never refused for its shape: a message nested deeper than System.Text.Json's default depth, or deeper than
/// Storage:MaxMimeDepth, is stored, and what lies past the limit is summarised as one opaque part.
/// </summary>
public sealed class DeepNestingTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(40)]
    [InlineData(63)]
    [InlineData(100)]
    [InlineData(300)]
    public async Task A_deeply_nested_message_is_stored_and_its_summary_read_back(int depth)
    {
        await using var h = await StoreHarness.CreateAsync();
        var message = Nested(depth);

        var result = await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(message)));

        var record = (await h.Store.GetMessageAsync(h.InboxId, result.Uid))!;
        var summary = await h.Store.GetSummaryAsync(record.BodyId);
        Assert.InRange(Depth(summary.Body), Math.Min(depth, 60), h.Options().MaxMimeDepth + 1);
        Assert.Equal(message.Length, result.Size);
        await foreach (var (listed, listedSummary) in h.Store.EnumerateWithSummariesAsync(h.InboxId))
        {
            Assert.Equal(record.Uid, listed.Uid);
            Assert.Equal(Depth(summary.Body), Depth(listedSummary.Body));
        }
    }

    [Fact]
    public async Task The_summary_depth_follows_the_option()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.MaxMimeDepth = 200);

        var result = await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(Nested(150))));

        var record = (await h.Store.GetMessageAsync(h.InboxId, result.Uid))!;
        Assert.InRange(Depth((await h.Store.GetSummaryAsync(record.BodyId)).Body), 150, 201);
    }

    /// <summary>multipart/mixed inside multipart/mixed, <paramref name="depth"/> times, around one text part.</summary>
    internal static byte[] Nested(int depth)
    {
        var text = new StringBuilder("From: a@example.org\r\nTo: b@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
        for (var i = 0; i < depth; i++)
        {
            text.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
        }

        text.Append("Content-Type: text/plain\r\n\r\nthe innermost text\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            text.Append($"--b{i}--\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static int Depth(BodyPart part) => 1 + (part.Parts is { Count: > 0 } parts ? parts.Max(Depth) : 0);
}
