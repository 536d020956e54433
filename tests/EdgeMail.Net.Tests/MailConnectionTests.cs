using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Text;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

public sealed class MailConnectionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task In_memory_connection_runs_a_handler_over_pipes()
    {
        await using var connection = MailConnection.CreateInMemory(out var client, endpointName: "imap");
        var handler = new EchoHandler();
        var run = handler.RunAsync(connection, CancellationToken.None);

        Assert.Equal("HELLO imap secure=False", await ReadLineAsync(client.Input));
        await client.Output.WriteAsync(Encoding.ASCII.GetBytes("PING\r\nQUIT\r\n"));

        Assert.Equal("ECHO PING", await ReadLineAsync(client.Input));
        Assert.Equal("BYE", await ReadLineAsync(client.Input));
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task StartTls_with_bytes_pipelined_after_it_is_refused()
    {
        using var folder = new TempFolder();
        using var certificates = new CertificateProvider(new TlsOptions(), folder.Path);
        await using var connection = MailConnection.CreateInMemory(out var client, certificate: certificates.Certificate);
        var handler = new EchoHandler();
        var run = handler.RunAsync(connection, CancellationToken.None);
        Assert.Equal("HELLO memory secure=False", await ReadLineAsync(client.Input));

        // One write: the injected command is buffered with STARTTLS, as in CVE-2011-0411.
        await client.Output.WriteAsync(Encoding.ASCII.GetBytes("STARTTLS\r\nECHO injected\r\n"));

        Assert.Equal("OK begin TLS", await ReadLineAsync(client.Input));
        await run.WaitAsync(Wait);
        Assert.Equal(1, handler.StartTlsInjections);
        Assert.False(connection.IsSecure);
    }

    [Fact]
    public async Task StartTls_over_memory_switches_the_pipes_to_TLS()
    {
        using var folder = new TempFolder();
        using var certificates = new CertificateProvider(new TlsOptions(), folder.Path);
        await using var connection = MailConnection.CreateInMemory(out var client, certificate: certificates.Certificate);
        Assert.True(connection.CanUpgradeToTls);
        var handler = new EchoHandler();
        var run = handler.RunAsync(connection, CancellationToken.None);
        Assert.Equal("HELLO memory secure=False", await ReadLineAsync(client.Input));
        await client.Output.WriteAsync(Encoding.ASCII.GetBytes("STARTTLS\r\n"));
        Assert.Equal("OK begin TLS", await ReadLineAsync(client.Input));

        await using var tls = new SslStream(new DuplexPipeStream(client.Input, client.Output));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && CertificateProvider.FormatFingerprint(new(certificate)) == certificates.Sha256Fingerprint,
        }).WaitAsync(Wait);
        var reader = PipeReader.Create(tls);
        await tls.WriteAsync(Encoding.ASCII.GetBytes("INFO\r\nQUIT\r\n"));

        Assert.StartsWith("INFO secure=True", await ReadLineAsync(reader));
        Assert.Equal("BYE", await ReadLineAsync(reader));
        await run.WaitAsync(Wait);
        Assert.False(connection.CanUpgradeToTls);
    }

    [Fact]
    public async Task A_StartTls_handshake_gets_only_what_is_left_of_the_phase_deadline()
    {
        using var folder = new TempFolder();
        using var certificates = new CertificateProvider(new TlsOptions(), folder.Path);
        var clock = new ManualTimeProvider();
        await using var connection = MailConnection.CreateInMemory(out _, certificate: certificates.Certificate, timeProvider: clock);
        connection.Lines.SetDeadline(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(8));

        // The client never starts its handshake: it ends at the deadline, 2 s on, not the 30 s handshake timeout.
        var upgrade = connection.UpgradeToTlsAsync();
        var due = clock.GetUtcNow() + TimeSpan.FromSeconds(2);
        await Eventually.TrueAsync(() => clock.HasTimerDueAt(due), "the handshake timer at the deadline");
        clock.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<TimeoutException>(() => upgrade.WaitAsync(Wait));
    }

    [Fact]
    public async Task StartTls_without_a_certificate_is_not_offered_and_throws()
    {
        await using var connection = MailConnection.CreateInMemory(out _);

        Assert.False(connection.CanUpgradeToTls);
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.UpgradeToTlsAsync());
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.0.2.7", false)]
    [InlineData("::ffff:192.0.2.7", false)]
    [InlineData("2001:db8::1", false)]
    public async Task IsLoopback_reflects_the_remote_address(string remote, bool expected)
    {
        await using var connection = MailConnection.CreateInMemory(out _, new IPEndPoint(IPAddress.Parse(remote), 50000));

        Assert.Equal(expected, connection.IsLoopback);
    }

    [Fact]
    public void Connection_ids_are_unique_and_13_characters()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ConnectionId.Next()).ToList();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9A-V]{13}$", id));
    }

    private static async Task<string> ReadLineAsync(PipeReader reader)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is { } end)
            {
                string line = Encoding.Latin1.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                reader.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("Closed before a line arrived.");
            }
        }
    }
}
