using System.Text;
using MailKit;

namespace EdgeMail.CrashHarness;

/// <summary>
/// Watches a POP3 session's bytes for the server's answer to QUIT. POP3 deletes are committed at QUIT (RFC 1939 §6,
/// the UPDATE state), and MailKit's Pop3Client.Disconnect ignores that answer, so the ledger learns it here.
/// </summary>
internal sealed class QuitWatcher : IProtocolLogger
{
    private readonly StringBuilder _sent = new();
    private readonly StringBuilder _answer = new();
    private bool _quitSent;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The server answered +OK to QUIT: the deletions are committed.</summary>
    public bool QuitAcknowledged
    {
        get
        {
            lock (_answer)
            {
                return _answer.ToString().StartsWith("+OK", StringComparison.Ordinal);
            }
        }
    }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
        lock (_answer)
        {
            _sent.Append(Encoding.ASCII.GetString(buffer, offset, count));
            _quitSent |= _sent.ToString().EndsWith("QUIT\r\n", StringComparison.OrdinalIgnoreCase);
        }
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        lock (_answer)
        {
            if (_quitSent)
            {
                _answer.Append(Encoding.ASCII.GetString(buffer, offset, count));
            }
        }
    }

    public void Dispose()
    {
    }
}
