using System.Text.Json;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Imap.Tests.Clients;

/// <summary>Python's imaplib (python3, apt package python3) in a scripted session against the plain port.</summary>
public sealed class ImaplibTests(ImapServer server) : IClassFixture<ImapServer>
{
    /// <summary>Every string in a step's result, one per line (JSON escapes undone).</summary>
    private static string Step(JsonElement results, string key)
    {
        var lines = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
            else
            {
                lines.Add(e.ValueKind == JsonValueKind.Null ? "null" : e.ToString());
            }
        }

        Walk(results.GetProperty(key));
        return string.Join("\n", lines);
    }

    private static void AssertOk(JsonElement results, string key) =>
        Assert.True(results.GetProperty(key)[0].GetString() == "OK", $"{key}: {Step(results, key)}");

    [Fact]
    public async Task Imaplib_scripted_session_sees_the_mailboxes_messages_flags_and_searches_it_made()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Clients", "imaplib_session.py");
        var run = await ExternalTool.RunAsync("python3", "python3", [script, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ImapServer.User, ImapServer.Password], timeout: TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, run.ToString());
        var r = JsonDocument.Parse(run.Stdout).RootElement;
        try
        {
            AssertSession(r);
        }
        catch (Exception e)
        {
            // Show the whole session with the failure: one step's answer often explains another's.
            throw new Xunit.Sdk.XunitException(e.Message + "\nimaplib saw:\n" + run.Stdout);
        }
    }

    [Fact]
    public async Task Imaplib_serial_appends_do_not_wait_for_delayed_ACKs()
    {
        // imaplib has Nagle's algorithm on and writes a literal and its closing CRLF separately, so the CRLF waits
        // until the literal is acknowledged: without TCP_QUICKACK on the server, each APPEND waits out the delayed
        // ACK (40 ms or more, measured at 44-50 ms an APPEND). Counted rather than averaged, and the bar set at
        // half the APPENDs, so that the fsyncs of a busy machine do not decide the test.
        const int appends = 20;
        var script = Path.Combine(AppContext.BaseDirectory, "Clients", "imaplib_appends.py");
        var run = await ExternalTool.RunAsync("python3", "python3", [script, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ImapServer.User, ImapServer.Password, "appends", appends.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        var r = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.All(r.GetProperty("results").EnumerateArray(), result => Assert.Equal("OK", result.GetString()));
        var ms = r.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(appends, ms.Count);
        var stalled = ms.Count(t => t >= 35);

        Assert.True(stalled < appends / 2, $"{stalled} of {appends} APPENDs took 35 ms or more: {string.Join(" ", ms.Select(t => t.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    /// <summary>date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE (RFC 9051 §9).</summary>
    private static DateTimeOffset ParseImapDate(string text)
    {
        var parts = text.Trim().Split(' ');
        var local = DateTime.ParseExact(parts[0] + " " + parts[1], "d-MMM-yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var zone = parts[2];
        var offset = new TimeSpan(int.Parse(zone[1..3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(zone[3..5], System.Globalization.CultureInfo.InvariantCulture), 0);
        return new DateTimeOffset(local, zone[0] == '-' ? -offset : offset);
    }

    private static void AssertSession(JsonElement r)
    {

        foreach (var key in new[] { "login", "capability", "list", "create", "create_child", "rename", "delete_child", "delete", "create_work", "append1", "append2", "append3", "examine", "select", "store", "copy", "uid_move", "expunge", "status", "namespace", "id", "unselect" })
        {
            AssertOk(r, key);
        }

        Assert.Contains("IMAP4rev1", Step(r, "capability"));
        Assert.Contains("MOVE", Step(r, "capability"));
        Assert.Contains("\"/\" INBOX", Step(r, "list"));

        // RENAME moves the children with the parent; DELETE leaves nothing behind.
        var renamed = r.GetProperty("list_renamed")[1].EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, renamed.Count);
        Assert.Contains(renamed, l => l.EndsWith("\"/\" py-b", StringComparison.Ordinal));
        Assert.Contains(renamed, l => l.EndsWith("\"/\" py-b/sub", StringComparison.Ordinal));
        Assert.Equal("OK\nnull", Step(r, "list_deleted"));

        // APPEND answers APPENDUID (RFC 4315) and keeps flags and the internal date.
        Assert.Contains("APPENDUID", Step(r, "append1"));
        Assert.StartsWith("OK\n3\nREAD-ONLY", Step(r, "examine"));
        Assert.Equal("3", r.GetProperty("examine")[1][0].GetString());

        // EXAMINE: BODY[TEXT] does not set \Seen (RFC 9051 §6.3.3).
        Assert.DoesNotContain("\\Seen", Step(r, "examine_flags"));
        Assert.StartsWith("OK\n3\nREAD-WRITE", Step(r, "select"));
        var flags = Step(r, "fetch_flags");
        // imaplib speaks IMAP4rev1, and its session is the first to select the new messages (RFC 3501 §2.3.2).
        Assert.Contains("1 (FLAGS (\\Flagged \\Recent))", flags);
        Assert.Contains("2 (FLAGS (\\Recent))", flags);
        Assert.Contains("3 (FLAGS (\\Seen \\Recent))", flags);

        Assert.Contains("Subject: first python message\r\n\r\n", Step(r, "fetch_subject"));
        Assert.DoesNotContain("From:", Step(r, "fetch_subject"));
        Assert.Contains("BODY[TEXT]<0> {10}", Step(r, "fetch_text_partial"));
        Assert.Contains("{10}\n0123456789\n)", Step(r, "fetch_text_partial"));
        // The instant is kept (RFC 9051 §6.3.12), and so is the zone it was written in.
        var internalDate = System.Text.RegularExpressions.Regex.Match(Step(r, "fetch_size_date"), "INTERNALDATE \"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(
            new DateTimeOffset(2024, 1, 15, 10, 30, 0, TimeSpan.FromHours(2)),
            ParseImapDate(internalDate));
        Assert.EndsWith(" +0200", internalDate);
        Assert.Matches(@"RFC822\.SIZE \d+", Step(r, "fetch_size_date"));
        Assert.Contains("\\Seen", Step(r, "fetch_flags_after_text"));
        Assert.Contains("\\Answered", Step(r, "store"));
        Assert.Contains("$Work", Step(r, "store"));

        Assert.Equal("1 2 3", r.GetProperty("search_all")[1][0].GetString());
        Assert.Equal("1 2", r.GetProperty("search_or")[1][0].GetString());
        Assert.Equal("2", r.GetProperty("search_not")[1][0].GetString());
        var uids = r.GetProperty("uids")[1][0].GetString()!.Split(' ');
        Assert.Equal(string.Join(' ', uids[1..]), r.GetProperty("search_uid_range")[1][0].GetString());
        Assert.Equal("2 3", r.GetProperty("search_since")[1][0].GetString());
        Assert.Equal("1", r.GetProperty("search_before")[1][0].GetString());
        Assert.Equal("2", r.GetProperty("search_header")[1][0].GetString());
        Assert.Equal("2", r.GetProperty("search_larger")[1][0].GetString());
        Assert.Equal("2", r.GetProperty("search_keyword_and_not")[1][0].GetString());

        // COPY then UID MOVE (RFC 6851) of the third message; EXPUNGE of the first leaves only the second.
        Assert.Equal("OK", r.GetProperty("uid_move")[0].GetString());
        Assert.Equal("1 2", r.GetProperty("after_move")[1][0].GetString());
        // imaplib also returns the EXPUNGE that UID MOVE sent (message 3) before this command's own (message 1).
        Assert.Equal("OK\n3\n1", Step(r, "expunge"));
        var remaining = Step(r, "after_expunge");
        Assert.Contains("second python message", remaining);
        Assert.DoesNotContain("first python message", remaining);
        Assert.Contains("(MESSAGES 2 UIDNEXT 3 UNSEEN 0)", Step(r, "status"));
        Assert.Contains("((\"\" \"/\")) NIL NIL", Step(r, "namespace"));
        Assert.Contains("\"name\"", Step(r, "id"));
        Assert.Equal("BYE", r.GetProperty("logout")[0].GetString());
        AssertOk(r, "authenticate_plain");
        AssertOk(r, "authenticated_select");
        AssertOk(r, "starttls");
        AssertOk(r, "starttls_login");
        AssertOk(r, "starttls_select");
    }
}
