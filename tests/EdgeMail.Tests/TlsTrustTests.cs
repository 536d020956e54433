using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EdgeMail.Tests;

/// <summary>
/// The real `serve` with its own CA: a client that trusts that CA and nothing else, with host-name checking on,
/// verifies every TLS port, by name (localhost) and by address (127.0.0.1).
/// </summary>
public sealed class TlsTrustTests : IDisposable
{
    private const string Account = "ann@edgemail.local";
    private const string Password = "trust only the box";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_client_trusting_only_the_box_CA_verifies_IMAPS_POP3S_SMTPS_and_STARTTLS_by_name_and_address()
    {
        int imaps = EdgeMailProcess.FreePort(), pop3s = EdgeMailProcess.FreePort(), smtps = EdgeMailProcess.FreePort(), submission = EdgeMailProcess.FreePort();
        await EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, _data.Path, Account, Password);
        var serve = await ServeProcess.StartAsync(
            ServeProcess.OnlyArguments(_data.Path, ("Imap:TlsPort", imaps), ("Pop3:TlsPort", pop3s), ("Smtp:TlsPort", smtps), ("Smtp:SubmissionPort", submission)),
            TimeSpan.FromSeconds(30));
        try
        {
            string caFile = Path.Combine(_data.Path, "tls", "ca.crt.pem");
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile));

            foreach (var host in new[] { "localhost", "127.0.0.1" })
            {
                using (var imap = new ImapClient { ServerCertificateValidationCallback = TrustOnly(ca) })
                {
                    await imap.ConnectAsync(host, imaps, SecureSocketOptions.SslOnConnect);
                    await imap.AuthenticateAsync(Account, Password);
                    Assert.True(imap.IsSecure);
                    await imap.DisconnectAsync(true);
                }

                using (var pop3 = new Pop3Client { ServerCertificateValidationCallback = TrustOnly(ca) })
                {
                    await pop3.ConnectAsync(host, pop3s, SecureSocketOptions.SslOnConnect);
                    await pop3.AuthenticateAsync(Account, Password);
                    await pop3.DisconnectAsync(true);
                }

                using (var smtp = new SmtpClient { ServerCertificateValidationCallback = TrustOnly(ca) })
                {
                    await smtp.ConnectAsync(host, smtps, SecureSocketOptions.SslOnConnect);
                    await smtp.AuthenticateAsync(Account, Password);
                    await smtp.DisconnectAsync(true);
                }

                using (var starttls = new SmtpClient { ServerCertificateValidationCallback = TrustOnly(ca) })
                {
                    await starttls.ConnectAsync(host, submission, SecureSocketOptions.StartTls);
                    Assert.True(starttls.IsSecure);
                    await starttls.AuthenticateAsync(Account, Password);
                    await starttls.DisconnectAsync(true);
                }
            }

            // The callback does refuse: trusting another CA, the same handshake fails.
            using (var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var request = new CertificateRequest("CN=another CA", otherKey, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
                using var imap = new ImapClient { ServerCertificateValidationCallback = TrustOnly(other) };
                await Assert.ThrowsAsync<SslHandshakeException>(() => imap.ConnectAsync("localhost", imaps, SecureSocketOptions.SslOnConnect));
            }

            // A second opinion from OpenSSL's own verifier, and proof that the check is real: a name the
            // certificate does not carry is refused.
            foreach (var port in new[] { imaps, pop3s, smtps })
            {
                foreach (var check in new[] { new[] { "-verify_hostname", "localhost" }, ["-verify_ip", "127.0.0.1"] })
                {
                    var verified = await SClientAsync(port, caFile, check);
                    Assert.True(verified.ExitCode == 0 && verified.Stdout.Contains("Verify return code: 0 (ok)", StringComparison.Ordinal), $"port {port} {check[1]}: {verified}");
                }
            }
            var wrongName = await SClientAsync(imaps, caFile, ["-verify_hostname", "mail.example.com"]);
            Assert.NotEqual(0, wrongName.ExitCode);

            // The fingerprint users compare is the CA's, shown by status beside the server certificate's.
            var status = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
            Assert.Equal(0, status.ExitCode);
            var tls = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("tls");
            Assert.Equal(Fingerprint(ca), tls.GetProperty("caFingerprintSha256").GetString());
            Assert.Equal(JsonDocument.Parse(status.Stdout).RootElement.GetProperty("tlsFingerprintSha256").GetString(), tls.GetProperty("fingerprintSha256").GetString());
            var text = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
            Assert.Contains("TLS CA:          " + Fingerprint(ca), text.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await serve.StopAsync(TimeSpan.FromSeconds(30));
            serve.Process.Dispose();
        }
    }

    [Fact]
    public async Task Status_of_a_stopped_service_reads_the_CA_fingerprint_from_the_data_folder()
    {
        int imaps = EdgeMailProcess.FreePort();
        var serve = await ServeProcess.StartAsync(ServeProcess.OnlyArguments(_data.Path, ("Imap:TlsPort", imaps)), TimeSpan.FromSeconds(30));
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        serve.Process.Dispose();
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_data.Path, "tls", "ca.crt.pem")));

        var status = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);

        var root = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.False(root.GetProperty("running").GetBoolean());
        Assert.Equal(Fingerprint(ca), root.GetProperty("tls").GetProperty("caFingerprintSha256").GetString());
        Assert.False(root.GetProperty("tls").GetProperty("configured").GetBoolean());
    }

    // Host-name checking stays SslStream's (a name mismatch fails); only the trust anchor is replaced: the chain
    // must end at the box's CA, built with nothing else trusted.
    private static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, errors) =>
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData);
    };

    private static Task<ToolResult> SClientAsync(int port, string caFile, string[] check) =>
        ExternalTool.RunAsync("openssl", "openssl",
            ["s_client", "-connect", $"127.0.0.1:{port}", "-verify_return_error", "-CAfile", caFile, .. check, "-servername", "localhost"],
            stdin: "", timeout: TimeSpan.FromSeconds(20));

    private static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
