using System.Text;
using EdgeMail.Testing.Imap;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// Mixed load on one mailbox (ImapSession invariants 6-8), every response parsed strictly: one session FETCHes the
/// whole mailbox, bodies included, while two others label, delete, expunge, append and copy at random, seeded and
/// bounded in count. Every response of every session must be complete and well formed, MODSEQ per UID must never go
/// back within a session, every keyword must have been announced in FLAGS before a FETCH uses it, and every body
/// must be as long as its RFC822.SIZE.
/// </summary>
public sealed class ConcurrentSessionTests(ImapServer server) : IClassFixture<ImapServer>
{
    private const int Rounds = 40;

    private static byte[] Message(Random random, int n)
    {
        // Sizes from a few hundred bytes to 96 KiB, so some FETCH responses are still streaming when an expunge lands.
        var size = random.Next(4) == 0 ? random.Next(32 * 1024, 96 * 1024) : random.Next(200, 4000);
        var text = new StringBuilder($"From: load{n}@example.org\r\nSubject: load {n}\r\nMessage-ID: <load{n}@example.org>\r\n\r\n");
        while (text.Length < size)
        {
            text.Append("line of the body of message ").Append(n).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static async Task<StrictImapClient> OpenAsync(ImapServer server, string mailbox)
    {
        var client = await StrictImapClient.ConnectAsync(server.Port);
        client.CheckModSeqNeverDecreases = true;
        client.CheckKeywordsAnnounced = true;
        await client.LoginAsync(ImapServer.User, ImapServer.Password);
        (await client.CommandAsync("e", "ENABLE CONDSTORE")).EnsureOk();
        (await client.CommandAsync("s", $"SELECT {mailbox}")).EnsureOk();
        return client;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Fetches_stay_whole_and_flags_never_go_back_while_other_sessions_expunge_and_store(int seed)
    {
        var mailbox = $"race{seed}";
        var random = new Random(seed);
        await using (var setup = await StrictImapClient.ConnectAsync(server.Port))
        {
            await setup.LoginAsync(ImapServer.User, ImapServer.Password);
            (await setup.CommandAsync("c", $"CREATE {mailbox}")).EnsureOk();
            (await setup.CommandAsync("c2", $"CREATE {mailbox}-copies")).EnsureOk();
            for (var i = 1; i <= 30; i++)
            {
                (await setup.AppendAsync($"a{i}", mailbox, Message(random, i))).EnsureOk();
            }
        }

        await using var reader = await OpenAsync(server, mailbox);
        await using var first = await OpenAsync(server, mailbox);
        await using var second = await OpenAsync(server, mailbox);
        var nextUid = 31;
        var bodies = 0;

        async Task ReadAsync()
        {
            var count = 30;
            for (var round = 0; round < Rounds; round++)
            {
                var command = (round % 3) switch
                {
                    0 => "FETCH 1:* (UID FLAGS MODSEQ RFC822.SIZE BODY.PEEK[])",
                    1 => "FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE BODY.PEEK[TEXT]<0.2048>)",
                    _ => "NOOP",
                };
                var result = await reader.CommandAsync($"r{round}", count > 0 || command == "NOOP" ? command : "NOOP");
                Assert.True(result.IsOk || result.Tagged.Name == "OK", result.ToString());
                foreach (var response in result.Responses)
                {
                    if (response.Name == "EXISTS")
                    {
                        count = (int)response.Number!.Value;
                    }
                    else if (response.Name == "EXPUNGE")
                    {
                        count--;
                    }
                }

                foreach (var fetch in result.Fetches)
                {
                    Assert.InRange((int)fetch.SequenceNumber, 1, Math.Max(count, 1));
                    if (fetch.Section("BODY[]") is { } body)
                    {
                        Assert.Equal(fetch.Rfc822Size, body.Length);
                        bodies++;
                    }
                }
            }
        }

        async Task WriteAsync(StrictImapClient client, string name, int writerSeed)
        {
            var own = new Random(writerSeed);
            for (var round = 0; round < Rounds; round++)
            {
                var uid = own.Next(1, Volatile.Read(ref nextUid));
                var tag = $"{name}{round}";
                var result = own.Next(6) switch
                {
                    0 => await client.CommandAsync(tag, $"UID STORE {uid} +FLAGS ($Label{own.Next(1, 6)})"),
                    1 => await client.CommandAsync(tag, $"UID STORE {uid}:{uid + 3} -FLAGS.SILENT ($Label{own.Next(1, 6)} \\Seen)"),
                    2 => await client.CommandAsync(tag, $"UID STORE {uid} +FLAGS.SILENT (\\Deleted $Label{own.Next(1, 6)})"),
                    3 => await client.CommandAsync(tag, $"UID EXPUNGE 1:{Volatile.Read(ref nextUid)}"),
                    4 => await client.CommandAsync(tag, $"UID COPY {uid} {mailbox}-copies"),
                    _ => await client.AppendAsync(tag, mailbox, Message(own, Interlocked.Increment(ref nextUid)), $"($Label{own.Next(1, 6)})"),
                };
                result.EnsureOk();
            }
        }

        await Task.WhenAll(ReadAsync(), WriteAsync(first, "w", seed * 31), WriteAsync(second, "v", seed * 37));

        // Each session still agrees with the store afterwards.
        foreach (var client in new[] { reader, first, second })
        {
            (await client.CommandAsync("n", "NOOP")).EnsureOk();
            var all = (await client.CommandAsync("f", "UID FETCH 1:* (FLAGS MODSEQ)")).EnsureOk();
            var status = await setupStatusAsync();
            Assert.Equal(status, all.Fetches.Count());
        }

        Assert.True(bodies > 0, "the reader fetched no body");
        Assert.True(reader.ResponseCount > Rounds, $"only {reader.ResponseCount} responses");

        async Task<int> setupStatusAsync()
        {
            await using var check = await StrictImapClient.ConnectAsync(server.Port);
            await check.LoginAsync(ImapServer.User, ImapServer.Password);
            var status = (await check.CommandAsync("t", $"STATUS {mailbox} (MESSAGES)")).EnsureOk();
            return (int)status.Untagged.Single(r => r.MailboxStatus is not null).MailboxStatus!.Attributes["MESSAGES"]!.Value;
        }
    }
}
