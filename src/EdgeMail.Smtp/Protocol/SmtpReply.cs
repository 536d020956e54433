namespace EdgeMail.Smtp.Protocol;

/// <summary>A reply: code (RFC 5321 §4.2), enhanced status code (RFC 3463, RFC 2034) and text.</summary>
internal readonly record struct SmtpReply(int Code, string Enhanced, string Text)
{
    /// <summary>Returned by a handler that has already answered (STARTTLS before its handshake) or whose session is ending.</summary>
    public static SmtpReply None => default;

    public bool IsPermanent => Code >= 500;

    public SmtpReply With(string text) => this with { Text = text };

    public override string ToString() => $"{Code} {Enhanced} {Text}";
}
