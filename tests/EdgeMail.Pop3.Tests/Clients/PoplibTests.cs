using System.Text.Json;
using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Store.Changes;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Pop3.Tests.Clients;

/// <summary>Python's poplib, run as a child process against the real server.</summary>
public sealed class PoplibTests
{
    private const string Script = """
        import json, poplib, sys
        port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        p = poplib.POP3("127.0.0.1", port, timeout=10)
        out = {"welcome": p.getwelcome().decode()}
        out["capa"] = sorted(p.capa().keys())
        p.user(user)
        p.pass_(password)
        out["stat"] = list(p.stat())
        resp, listing, octets = p.list()
        out["list"] = [l.decode() for l in listing]
        resp, uids, octets = p.uidl()
        out["uidl"] = [u.decode() for u in uids]
        resp, lines, octets = p.retr(1)
        out["retr"] = [l.decode() for l in lines]
        out["retr_octets"] = octets
        resp, lines, octets = p.top(2, 0)
        out["top0"] = [l.decode() for l in lines]
        resp, lines, octets = p.top(2, 1)
        out["top1"] = [l.decode() for l in lines]
        p.dele(1)
        try:
            p.retr(1)
            out["retr_deleted"] = "ok"
        except poplib.error_proto as e:
            out["retr_deleted"] = str(e)
        out["quit"] = p.quit().decode()
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Poplib_reads_lists_retrieves_tops_and_deletes()
    {
                await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync("Subject: one\r\n\r\n.starts with a dot\r\nline 2\r\n");
        await server.DeliverAsync("Subject: two\r\nX-A: b\r\n\r\nfirst body line\r\nsecond\r\n");
        using var folder = new TempFolder();
        var script = Path.Combine(folder.Path, "client.py");
        await File.WriteAllTextAsync(script, Script);
        using var feed = server.Store.Changes.Subscribe(server.InboxId);

        var run = await ExternalTool.RunAsync("python3", "python3", [script, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Pop3Server.User, Pop3Server.Password], timeout: TimeSpan.FromSeconds(30));
        var (exit, output) = (run.ExitCode, run.Output);
        Assert.True(exit == 0, output + "\n" + server.Fixture.LogText);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.StartsWith("+OK", root.GetProperty("welcome").GetString(), StringComparison.Ordinal);
        var capa = root.GetProperty("capa").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("UIDL", capa);
        Assert.Contains("TOP", capa);
        Assert.Equal(2, root.GetProperty("stat")[0].GetInt32());
        Assert.Equal(2, root.GetProperty("list").GetArrayLength());
        Assert.Equal(2, root.GetProperty("uidl").GetArrayLength());

        // poplib undoes the byte-stuffing and counts each line with its CRLF: RFC 1939 §5's size must match.
        Assert.Equal(["Subject: one", "", ".starts with a dot", "line 2"], root.GetProperty("retr").EnumerateArray().Select(e => e.GetString()));
        var listedSize = int.Parse(root.GetProperty("list")[0].GetString()!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(listedSize, root.GetProperty("retr_octets").GetInt32());
        Assert.Equal(["Subject: two", "X-A: b", ""], root.GetProperty("top0").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Subject: two", "X-A: b", "", "first body line"], root.GetProperty("top1").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("b'-ERR", root.GetProperty("retr_deleted").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("+OK", root.GetProperty("quit").GetString(), StringComparison.Ordinal);

        Assert.Single(await server.InboxAsync());
        Assert.True(feed.Reader.TryRead(out var change));
        Assert.Equal(ChangeKind.Expunged, change!.Kind);
    }
}
