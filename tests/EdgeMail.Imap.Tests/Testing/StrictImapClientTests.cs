using System.Text;
using EdgeMail.Testing.Imap;

namespace EdgeMail.Imap.Tests.Testing;

/// <summary>StrictImapClient against the real server: every byte it sends parses under RFC 9051 §9.</summary>
public sealed class StrictImapClientTests(ImapServer server) : IClassFixture<ImapServer>
{
    private async Task<StrictImapClient> ConnectAsync()
    {
        var client = await StrictImapClient.ConnectAsync(server.Port);
        client.CheckModSeqNeverDecreases = true;
        client.CheckKeywordsAnnounced = true;
        await client.LoginAsync(ImapServer.User, ImapServer.Password);
        return client;
    }

    [Fact]
    public async Task Append_select_and_fetch_of_everything_parse_strictly()
    {
        await using var c = await ConnectAsync();
        Assert.Equal("OK", c.Greeting.Name);
        Assert.Contains("IMAP4rev2", c.Greeting.Text!.Code!.Items!);
        var message = Encoding.ASCII.GetBytes("From: Bob <bob@example.org>\r\nTo: ann@edgemail.local\r\nSubject: strict\r\nDate: Wed, 4 Mar 2026 12:00:00 +0000\r\nMessage-ID: <s1@example.org>\r\n\r\nHello {5}\r\nthere.\r\n");
        (await c.CommandAsync("c", "CREATE Strict")).EnsureOk();
        var sync = (await c.AppendAsync("a1", "Strict", message, "(\\Seen)")).EnsureOk();
        Assert.Equal(ImapResponseKind.Continuation, sync.Responses[0].Kind);
        (await c.AppendAsync("a2", "Strict", message, mode: ImapLiteralMode.NonSynchronizing)).EnsureOk();
        Assert.Equal("APPENDUID", sync.Tagged.Text!.Code!.Name);
        (await c.CommandAsync("e", "ENABLE CONDSTORE")).EnsureOk();
        var select = (await c.CommandAsync("s", "SELECT Strict")).EnsureOk();
        Assert.Equal(2u, select.Untagged.Single(r => r.Name == "EXISTS").Number);
        (await c.CommandAsync("k", "STORE 2 +FLAGS (\\Flagged $Strict)")).EnsureOk();
        var fetch = (await c.CommandAsync("f", "FETCH 1:* (UID FLAGS MODSEQ ENVELOPE BODYSTRUCTURE RFC822.SIZE BODY.PEEK[])")).EnsureOk();
        var items = fetch.Fetches.ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, f =>
        {
            Assert.Equal(message, f.Section("BODY[]"));
            Assert.Equal(message.Length, f.Rfc822Size);
            Assert.Equal("strict", f.Envelope!.Subject.Value);
            Assert.Equal(("text/plain", 2L), (f.BodyStructure!.MediaType, f.BodyStructure.Lines!.Value));
        });
        // This session selected the new messages first, so they are \Recent in it (RFC 3501 §2.3.2); $Strict was
        // announced in FLAGS before its first use (the keyword check is on).
        Assert.Equal(["\\Seen", "\\Recent"], items[0].Flags!);
        Assert.Equal(["\\Flagged", "\\Recent", "$Strict"], items[1].Flags!);
        Assert.Contains("$Strict", c.Invariants.AnnouncedFlags!);
    }

    [Theory]
    [MemberData(nameof(MimeCorpus.Rows), MemberType = typeof(MimeCorpus))]
    public async Task Corpus_message_body_structure_and_envelope_parse_strictly(string name)
    {
        await using var c = await ConnectAsync();
        var box = "StrictCorpus-" + name;
        (await c.CommandAsync("c", "CREATE " + box)).EnsureOk();
        var append = (await c.AppendAsync("a", box, MimeCorpus.Load(name))).EnsureOk();
        var uid = append.Tagged.Text!.Code!.Items![0];
        (await c.CommandAsync("s", "SELECT " + box)).EnsureOk();
        var fetch = (await c.CommandAsync("f", $"UID FETCH {uid} (BODYSTRUCTURE ENVELOPE BODY)")).EnsureOk();
        var item = Assert.Single(fetch.Fetches);
        Assert.NotNull(item.BodyStructure);
        Assert.NotNull(item.Envelope);
    }
}
