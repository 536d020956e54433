using System.Text;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;

namespace EdgeMail.Store.Tests.Mime;

/// <summary>
/// Mail enters the store with CRLF line ends (RFC 5322 §2.3), and a body stored before that with bare LFs is viewed
/// converted; summaries stored before these fields existed still load.
/// </summary>
public sealed class LineEndsAtIntakeTests
{
    private const string BareLf = "From: a@example.org\nSubject: lf\n\nline one\nline two\n";

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task Appended_bare_LFs_are_stored_with_their_CR_and_the_size_counts_them()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, Encoding.ASCII.GetBytes(BareLf));
        var record = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        var crlf = BareLf.Replace("\n", "\r\n", StringComparison.Ordinal);

        Assert.Equal(crlf.Length, record.Size);
        Assert.Equal(crlf, Encoding.ASCII.GetString(await ReadAllAsync(await h.Store.OpenBodyAsync(record.BodyId))));
        var summary = await h.Store.GetSummaryAsync(record.BodyId);
        Assert.True(summary.StoredCrlf);
        Assert.Equal(crlf.Length, summary.CrlfLength);
    }

    [Fact]
    public async Task A_body_stored_with_bare_LFs_is_viewed_converted_with_offsets_into_the_converted_bytes()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(Encoding.ASCII.GetBytes(BareLf))) { KeepLineEnds = true });
        var record = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        Assert.Equal(BareLf.Length, record.Size);

        await using var view = await h.Store.ViewAsync(record, await h.Store.GetSummaryAsync(record.BodyId));
        var served = await ReadAllAsync(await view.OpenBodyAsync());
        Assert.Equal(BareLf.Replace("\n", "\r\n", StringComparison.Ordinal), Encoding.ASCII.GetString(served));
        Assert.Equal(served.Length, view.Size);
        Assert.Equal("line one\r\nline two\r\n", Encoding.ASCII.GetString(served, (int)view.Summary.Body.BodyOffset, (int)view.Summary.Body.ContentLength));
        Assert.Equal(2, view.Summary.Body.Lines);
    }

    [Fact]
    public async Task A_body_stored_with_CRLF_is_viewed_as_stored()
    {
        await using var h = await StoreHarness.CreateAsync();
        const string Crlf = "Subject: crlf\r\n\r\nlast line without an end";
        var a = await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(Encoding.ASCII.GetBytes(Crlf))) { KeepLineEnds = true });
        var record = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        var summary = await h.Store.GetSummaryAsync(record.BodyId);

        await using var view = await h.Store.ViewAsync(record, summary);
        Assert.Same(summary, view.Summary);
        Assert.Equal(Crlf.Length, view.Size);
    }

    [Fact]
    public void A_summary_stored_before_octets_and_stored_CRLF_loads_with_their_defaults()
    {
        // As a release before these fields wrote it: decoded names, no "octets", no "storedCrlf".
        const string Json = """
            {"envelope":{"date":"Tue, 3 Mar 2026 09:15:00 +0100","subject":"Hi","from":[{"name":"J\u00f6rg","mailbox":"j","host":"example.de"}]},
             "body":{"mediaType":"text","mediaSubtype":"plain","parameters":[],"headerOffset":0,"bodyOffset":40,"endOffset":60,"lines":1},
             "crlfLength":60}
            """;
        var summary = System.Text.Json.JsonSerializer.Deserialize(Json, SummaryJsonContext.Default.MessageSummary)!;
        Assert.False(summary.StoredCrlf);
        Assert.False(summary.Envelope.Octets);
        Assert.Equal("Jörg", summary.Envelope.From![0].Name);
        Assert.Equal(60, summary.CrlfLength);
    }
}
