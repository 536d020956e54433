using System.Net;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

/// <summary>
/// Refusals and STARTTLS injections are what a stranger can repeat as fast as it connects (26,000 refused connections
/// from one address wrote 26,000 lines in 3 s): one line per address and kind at once, one summary a minute after.
/// </summary>
public sealed class ClientEventLogTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly CollectingLoggerFactory _logs = new();
    private readonly ClientEventLog _log;

    public ClientEventLogTests() => _log = new ClientEventLog(_logs.CreateLogger("events"), _time, maxAddresses: 100);

    public void Dispose() => _log.Dispose();

    private IReadOnlyList<string> Messages => [.. _logs.Entries.Select(e => e.Message)];

    private static IPEndPoint From(string address) => new(IPAddress.Parse(address), 40000);

    [Fact]
    public void The_first_refusal_from_an_address_is_logged_at_once_the_rest_in_one_summary_a_minute_later()
    {
        for (var i = 0; i < 500; i++)
        {
            _log.Refused(From("192.0.2.7"), "imap", RejectReason.TooManyConnectionsFromAddress);
        }

        Assert.Equal(["Connection from 192.0.2.7:40000 to imap refused: TooManyConnectionsFromAddress"], Messages);

        _time.Advance(ClientEventLog.Interval);

        Assert.Equal("499 more connection(s) from 192.0.2.7 refused in the last 60 s (the last to imap: TooManyConnectionsFromAddress)", Messages[^1]);
        Assert.Equal(2, Messages.Count);

        // The next minute starts afresh with a line at once.
        _log.Refused(From("192.0.2.7"), "pop3", RejectReason.TooManyConnections);
        Assert.Equal("Connection from 192.0.2.7:40000 to pop3 refused: TooManyConnections", Messages[^1]);
    }

    [Fact]
    public void Addresses_and_kinds_are_counted_apart_and_an_IPv6_64_as_one_address()
    {
        _log.Refused(From("192.0.2.7"), "imap", RejectReason.TooManyConnectionsFromAddress);
        _log.Refused(From("192.0.2.8"), "imap", RejectReason.TooManyConnectionsFromAddress);
        _log.StartTlsInjection("C1", From("192.0.2.7"), "smtp");
        _log.StartTlsInjection("C2", From("2001:db8::1"), "smtp");
        _log.StartTlsInjection("C3", From("2001:db8::2"), "pop3");

        Assert.Equal(4, Messages.Count);
        Assert.Equal("Connection C1 from 192.0.2.7:40000 to smtp sent data after STARTTLS before the handshake; closed (CVE-2011-0411)", Messages[2]);

        _time.Advance(ClientEventLog.Interval);
        Assert.Equal("1 more STARTTLS injection(s) (CVE-2011-0411) from 2001:db8::1 in the last 60 s (the last to pop3)", Messages[^1]);
        Assert.Equal(5, Messages.Count);
    }

    [Fact]
    public void Past_the_tracked_addresses_events_are_counted_together_and_nothing_is_lost_at_dispose()
    {
        var small = new ClientEventLog(_logs.CreateLogger("events"), _time, maxAddresses: 3);
        for (var host = 1; host <= 10; host++)
        {
            small.Refused(From($"192.0.2.{host}"), "smtp", RejectReason.TooManyConnectionsFromAddress);
        }

        small.Refused(From("192.0.2.1"), "smtp", RejectReason.TooManyConnectionsFromAddress);

        // Three addresses tracked, each with its line; seven more counted together.
        Assert.Equal(3, Messages.Count);
        small.Dispose();
        Assert.Contains("1 more connection(s) from 192.0.2.1 refused in the last 60 s (the last to smtp: TooManyConnectionsFromAddress)", Messages);
        Assert.Contains(Messages, m => m.StartsWith("7 refused connection(s) and STARTTLS injection(s) in ", StringComparison.Ordinal));
    }
}
